import Interchange
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `LogHandler` that writes one JSON object per line:
/// `{"ts":"2026-01-01T00:00:00.000Z","level":"info","label":"relay","msg":"…","source":"…",…metadata}`.
///
/// Metadata keys become top-level fields (nested dictionaries and arrays are kept as JSON).
public struct JSONLogHandler: LogHandler {
    /// The least severe level written.
    public var logLevel: Logger.Level
    /// Metadata added to every line of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Supplies metadata per log call (e.g. from the task's context), merged over ``metadata``.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let output: LogOutput

    /// Creates a handler for the logger `label`, writing lines at `level` and above to `output`.
    public init(label: String, level: Logger.Level = .info, output: LogOutput = .standardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as one JSON line (event metadata over provided over handler metadata).
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let extra = event.metadata {
            merged.merge(extra) { _, new in new }
        }
        // Fixed keys first, in this order, then the metadata sorted by key.
        var line = "{\"ts\":" + JSONValue.string(Self.timestamp()).jsonString()
        line += ",\"level\":" + JSONValue.string(event.level.rawValue).jsonString()
        line += ",\"label\":" + JSONValue.string(label).jsonString()
        line += ",\"msg\":" + JSONValue.string(event.message.description).jsonString()
        line += ",\"source\":" + JSONValue.string(event.source).jsonString()
        for key in merged.keys.sorted() where !Self.reservedKeys.contains(key) {
            line += "," + JSONValue.string(key).jsonString() + ":" + merged[key]!.json.jsonString()
        }
        line += "}\n"
        output.write(line)
    }

    private static let reservedKeys: Set<String> = ["ts", "level", "label", "msg", "source"]

    /// UTC time with milliseconds, RFC 3339.
    static func timestamp() -> String {
        RFC3339Time.now(.milliseconds).description
    }
}
