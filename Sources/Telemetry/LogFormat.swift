/// How log lines are written: human-readable text or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case text
    case json

    public var description: String { rawValue }

    /// Parses `text` or `json` (case-insensitive).
    public init?(parsing value: String) {
        self.init(rawValue: value.lowercased())
    }
}
