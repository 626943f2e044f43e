import ArgumentParser
import Logging
import Telemetry

/// `--log-level` and `--log-format`, shared by `serve` and `fallback`.
struct LogOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Log format: text or json.")
    var logFormat = "text"

    func validate() throws {
        guard Logger.Level(parsing: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard LogFormat(parsing: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
    }

    /// Bootstraps swift-log with these options and returns a logger labelled `label` at the chosen level.
    func bootstrap(label: String) -> Logger {
        let level = Logger.Level(parsing: logLevel) ?? .info
        TelemetryLogging.bootstrap(format: LogFormat(parsing: logFormat) ?? .text, level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
