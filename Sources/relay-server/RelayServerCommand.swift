import ArgumentParser
import FoundationEssentials
import Logging
import RelayCore
import RelayServer
import Telemetry

#if canImport(Glibc)
    import Glibc
#endif

/// `relay-server`: the PeerRelay relay. Flags override `RELAY_*` environment variables, which override the JSON
/// config file (`--config` / `RELAY_CONFIG`). See docs/relay-server.md.
@main
struct RelayServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-server",
        abstract: "PeerRelay relay: authenticated allocation and binding, verbatim forwarding on one UDP port.",
        discussion: """
            Every setting can come from a flag, an environment variable or the JSON config file; flags win over \
            the environment, the environment over the file. List flags may be repeated or comma-separated. \
            The config file is watched: changes to settings marked (reloadable) apply without dropping sessions.

            Environment variables and config-file keys:
            \(RelaySettingField.all.map { "  \($0.environmentVariable) / \"\($0.key)\"" }.joined(separator: "\n"))
              RELAY_CONFIG (path of the config file)

            Admin HTTP endpoints: /metrics /healthz /readyz /debug/sessions /debug/config.
            Exit status: 0 after a clean shutdown (SIGTERM/SIGINT), 64 bad flag or environment value, \
            69 a port is in use or cannot be bound, 78 bad configuration, key, certificate or config file.
            """)

    @Option(name: .customLong("config"), help: "JSON config file, watched for changes (env RELAY_CONFIG)")
    var config: String?

    @OptionGroup var flags: RelayServerFlags

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let coreCount = RelayServer.coreCount
        let flags: RelaySettings
        let env: RelaySettings
        var file: RelaySettings?
        let configPath = config ?? environment[RelaySettingField.configFileVariable]
        let configuration: RelayServerConfiguration
        do {
            flags = try self.flags.settings()
            env = try RelaySettings(environment: environment)
            if let configPath { file = try RelaySettings(configFile: configPath) }
            configuration = try RelayServerConfiguration(
                flags: flags, environment: env, file: file, coreCount: coreCount)
        } catch {
            Self.fail(error.description, code: error.exitCode)
        }
        TelemetryLogging.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        let metrics = TelemetryMetrics()
        metrics.bootstrapGlobal()
        let logger = Logger(label: "relay-server")
        for name in RelaySettings.undocumentedVariables(in: environment) {
            logger.warning(
                "ignoring environment variable \(name): relay-server reads only the RELAY_* variables --help lists")
        }
        let source = configPath.map {
            RelayServer.ConfigFileSource(path: $0, flags: flags, environment: env, coreCount: coreCount)
        }
        let server: RelayServer
        do {
            server = try await RelayServer.start(
                configuration: configuration,
                options: .init(metrics: metrics, logger: logger, handleSignals: true, configFile: source))
        } catch let error as RelaySocketError {
            Self.fail(error.description, code: error.exitCode)
        } catch let error as AdminServerError {
            Self.fail(error.description, code: 69)
        } catch let error as RelayConfigurationError {
            Self.fail(error.description, code: error.exitCode)
        }
        logger.info(
            "relay-server started",
            metadata: [
                "tailnet": "\(configuration.tailnetID)", "relayKey": "\(configuration.privateKey.publicKey.base64)",
                "udpPort": "\(server.port)", "adminPort": "\(server.admin.port)",
                "advertised": .array(server.engine.advertisedEndpoints.map { .string("\($0)") }),
            ])
        do {
            try await server.run()
        } catch let error as RelayConfigurationError {
            Self.fail(error.description, code: error.exitCode)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        var line = "relay-server: error: \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        Glibc.exit(code)
    }
}
