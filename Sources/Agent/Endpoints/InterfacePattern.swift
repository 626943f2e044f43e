/// An interface name or a shell-style pattern of names (`*` any run of characters, `?` one character), as given to
/// `tailnet-agent --exclude-interface`, e.g. `docker*`, `br-*`, `veth?????`.
public struct InterfacePattern: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String

    /// Parses a pattern: 1 to 15 characters (Linux `IFNAMSIZ` less its terminator), no `/`, no whitespace, no `:`
    /// (alias labels are not interface names).
    public init(_ text: String) throws(InterfacePatternError) {
        guard !text.isEmpty else { throw .empty }
        guard text.utf8.count <= 15 else { throw .tooLong(text) }
        if let bad = text.first(where: { $0 == "/" || $0 == ":" || $0.isWhitespace }) {
            throw .invalidCharacter(text, bad)
        }
        self.text = text
    }

    public var description: String { text }

    /// Whether `name` matches the pattern as a whole.
    public func matches(_ name: String) -> Bool {
        Self.match(Array(text.utf8)[...], Array(name.utf8)[...])
    }

    /// Glob matching with backtracking to the last `*` (linear in practice for names this short).
    private static func match(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var n = name.startIndex
        var star: (p: Int, n: Int)?
        while n < name.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = (p, n)
                p += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n] {
                p += 1
                n += 1
            } else if let last = star {
                p = last.p + 1
                n = last.n + 1
                star = (last.p, last.n + 1)
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}

/// Why an interface pattern was refused, with what to write instead.
public enum InterfacePatternError: Error, Equatable, CustomStringConvertible {
    case empty
    case tooLong(String)
    case invalidCharacter(String, Character)

    public var description: String {
        switch self {
        case .empty: "an interface pattern is empty: give a name such as docker0 or a pattern such as docker*"
        case .tooLong(let text):
            "interface pattern '\(text)' is longer than 15 characters, longer than any Linux interface name"
        case .invalidCharacter(let text, let character):
            "interface pattern '\(text)' contains '\(character)': give an interface name (no '/', ':' or spaces), "
                + "with * for any characters and ? for one, e.g. br-*"
        }
    }
}
