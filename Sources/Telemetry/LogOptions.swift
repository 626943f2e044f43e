public import ArgumentParser
public import Logging

/// `--log-level` and `--log-format`, the same in every PeerRelay executable that takes them
/// (`@OptionGroup var log: LogOptions`).
public struct LogOptions: ParsableArguments, Sendable {
    /// `--log-level`: trace, debug, info, notice, warning, error or critical.
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel = "info"

    /// `--log-format`: `text`, or `json` (one object per line).
    @Option(help: "Log format: text or json.")
    public var logFormat = "text"

    /// The defaults; ArgumentParser fills the options from the command line.
    public init() {}

    /// Refuses an unknown level or format, naming what is accepted.
    public func validate() throws {
        guard Logger.Level(parsing: logLevel) != nil else {
            throw ValidationError(
                "--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard LogFormat(parsing: logFormat) != nil else {
            throw ValidationError("--log-format '\(logFormat)' must be text or json")
        }
    }

    /// The chosen level (info if unparsable, which ``validate()`` refuses first).
    public var level: Logger.Level { Logger.Level(parsing: logLevel) ?? .info }

    /// The chosen format (text if unparsable, which ``validate()`` refuses first).
    public var format: LogFormat { LogFormat(parsing: logFormat) ?? .text }

    /// Bootstraps swift-log for the process with these options and returns a logger labelled `label`.
    public func bootstrap(label: String) -> Logger {
        TelemetryLogging.bootstrap(format: format, level: level)
        return TelemetryLogging.makeLogger(label: label, format: format, level: level)
    }
}
