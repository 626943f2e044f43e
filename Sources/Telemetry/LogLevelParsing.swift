public import Logging

extension Logger.Level {
    /// Parses a level name (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`), case-insensitive.
    /// `warn` is accepted as an alias of `warning`.
    public init?(parsing value: String) {
        let lowered = value.lowercased()
        if lowered == "warn" {
            self = .warning
            return
        }
        self.init(rawValue: lowered)
    }

    /// All level names, for help texts.
    public static var names: String {
        Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
