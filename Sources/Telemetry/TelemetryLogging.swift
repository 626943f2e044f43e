public import Logging

/// Process-wide logging setup shared by every PeerRelay executable.
public enum TelemetryLogging {
    /// Makes a log handler of the given format and level. Use this directly (instead of `bootstrap`) where the
    /// global `LoggingSystem` must not be touched, e.g. in tests that run several servers in one process.
    public static func makeHandler(label: String, format: LogFormat, level: Logger.Level) -> any LogHandler {
        switch format {
        case .json:
            return JSONLogHandler(label: label, level: level)
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Makes a logger without touching the global logging system.
    public static func makeLogger(label: String, format: LogFormat, level: Logger.Level) -> Logger {
        Logger(label: label) { label in makeHandler(label: label, format: format, level: level) }
    }

    /// Installs the format and level for every `Logger` of the process. Call once, early in `main`.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in makeHandler(label: label, format: format, level: level) }
    }
}
