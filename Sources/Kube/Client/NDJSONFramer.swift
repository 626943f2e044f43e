/// Splits a byte stream into newline-terminated lines, whatever the chunk boundaries are.
public struct NDJSONFramer: Sendable {
    /// Why a stream cannot be framed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case lineTooLong(limit: Int)
        case truncated(bytes: Int)

        public var description: String {
            switch self {
            case .lineTooLong(let limit): return "a watch event is longer than \(limit) bytes; the stream is corrupt"
            case .truncated(let bytes): return "the stream ended inside an event (\(bytes) bytes without a newline)"
            }
        }
    }

    private var buffer: [UInt8] = []
    private var scanned = 0
    /// Longest line accepted; a longer one is an error.
    public let maxLineBytes: Int

    /// A framer refusing lines longer than `maxLineBytes`.
    public init(maxLineBytes: Int = 64 << 20) { self.maxLineBytes = maxLineBytes }

    /// Adds a chunk; returns every complete non-empty line (without the newline).
    public mutating func append(_ chunk: some Collection<UInt8>) throws(Failure) -> [[UInt8]] {
        buffer.append(contentsOf: chunk)
        var lines: [[UInt8]] = []
        var start = 0
        var index = scanned
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if end > start { lines.append(Array(buffer[start..<end])) }
                start = index + 1
            }
            index += 1
        }
        if start > 0 { buffer.removeFirst(start) }
        scanned = buffer.count
        if buffer.count > maxLineBytes { throw .lineTooLong(limit: maxLineBytes) }
        return lines
    }

    /// Call at the end of the stream: leftover bytes that are only whitespace are fine.
    public mutating func finish() throws(Failure) -> [UInt8]? {
        defer {
            buffer = []
            scanned = 0
        }
        let rest = buffer.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") }
        guard !rest.isEmpty else { return nil }
        // A final event without a newline is still a whole JSON object if it ends with "}".
        if buffer.last == UInt8(ascii: "}") { return buffer }
        throw .truncated(bytes: buffer.count)
    }
}
