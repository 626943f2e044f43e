import Foundation

/// The hex blocks of a Markdown document, by the name in the heading above each: the vectors a protocol document
/// states, read from the file so that document and code cannot drift apart.
public enum DocumentedHexBlocks {
    /// Path of a file under the repository's `docs/`, found from a test source file's `#filePath`
    /// (`Tests/<Target>/<File>.swift`).
    public static func docsPath(_ name: String, from testFile: String) -> String {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/\(name)").path
    }

    /// Reads every ```` ```hex ```` block that follows a heading starting with `headingPrefix`; `name` picks the
    /// vector's name from the heading's text after the prefix; `decode` turns the block's hex into bytes (nil skips it).
    public static func read(
        _ path: String, headingPrefix: String, name: (Substring) -> String?, decode: (String) -> [UInt8]?
    ) throws -> [String: [UInt8]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var vectors: [String: [UInt8]] = [:]
        var current: String?
        var hex: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(headingPrefix) {
                current = name(line.dropFirst(headingPrefix.count))
            } else if line == "```hex" {
                hex = ""
            } else if line == "```", let collected = hex {
                if let current, let bytes = decode(collected) { vectors[current] = bytes }
                hex = nil
                current = nil
            } else if hex != nil {
                hex! += line
            }
        }
        return vectors
    }
}
