import ArgumentParser
import FoundationEssentials
import Logging
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

    @Option(name: .customLong("listen"), help: help("listen")) var listen: [String] = []
    @Option(name: .customLong("port"), help: help("port")) var port: String?
    @Option(name: .customLong("sockets"), help: help("sockets")) var sockets: String?
    @Option(name: .customLong("read-batch"), help: help("read-batch")) var readBatch: String?
    @Option(name: .customLong("socket-buffer-bytes"), help: help("socket-buffer-bytes")) var socketBufferBytes: String?
    @Option(name: .customLong("max-datagram-bytes"), help: help("max-datagram-bytes")) var maxDatagramBytes: String?
    @Flag(name: .customLong("udp-gro"), inversion: .prefixedNo, help: help("udp-gro")) var udpGRO: Bool?
    @Flag(name: .customLong("udp-gso"), inversion: .prefixedNo, help: help("udp-gso")) var udpGSO: Bool?
    @Flag(name: .customLong("batched-io"), inversion: .prefixedNo, help: help("batched-io")) var batchedIO: Bool?
    @Option(name: .customLong("admin-address"), help: help("admin-address")) var adminAddress: String?
    @Option(name: .customLong("admin-port"), help: help("admin-port")) var adminPort: String?
    @Option(name: .customLong("private-key-file"), help: help("private-key-file")) var privateKeyFile: String?
    @Option(name: .customLong("certificate-file"), help: help("certificate-file")) var certificateFile: String?
    @Option(name: .customLong("ca-key"), help: help("ca-key")) var caKey: [String] = []
    @Option(name: .customLong("ca-key-file"), help: help("ca-key-file")) var caKeyFile: [String] = []
    @Option(name: .customLong("revoked-serial"), help: help("revoked-serial")) var revokedSerial: [String] = []
    @Option(name: .customLong("advertise"), help: help("advertise")) var advertise: [String] = []
    @Option(name: .customLong("max-sessions"), help: help("max-sessions")) var maxSessions: String?
    @Option(name: .customLong("max-sessions-per-node"), help: help("max-sessions-per-node"))
    var maxSessionsPerNode: String?
    @Option(name: .customLong("idle-timeout"), help: help("idle-timeout")) var idleTimeout: String?
    @Option(name: .customLong("bind-timeout"), help: help("bind-timeout")) var bindTimeout: String?
    @Option(name: .customLong("allocation-rate"), help: help("allocation-rate")) var allocationRate: String?
    @Option(name: .customLong("allocation-burst"), help: help("allocation-burst")) var allocationBurst: String?
    @Option(name: .customLong("bind-rate"), help: help("bind-rate")) var bindRate: String?
    @Option(name: .customLong("bind-burst"), help: help("bind-burst")) var bindBurst: String?
    @Option(name: .customLong("log-format"), help: help("log-format")) var logFormat: String?
    @Option(name: .customLong("log-level"), help: help("log-level")) var logLevel: String?
    @Option(name: .customLong("reload-interval-ms"), help: help("reload-interval-ms")) var reloadIntervalMs: String?

    static func help(_ flag: String) -> ArgumentHelp {
        guard let field = RelaySettingField.field(flag: flag) else { return ArgumentHelp("") }
        return ArgumentHelp("\(field.help) (env \(field.environmentVariable))")
    }

    /// The given flags as (flag, value) pairs, in the order of the settings table.
    var flagPairs: [(flag: String, value: String)] {
        let singles: [(String, String?)] = [
            ("port", port), ("sockets", sockets), ("read-batch", readBatch),
            ("socket-buffer-bytes", socketBufferBytes), ("max-datagram-bytes", maxDatagramBytes),
            ("admin-address", adminAddress), ("admin-port", adminPort), ("private-key-file", privateKeyFile),
            ("certificate-file", certificateFile), ("max-sessions", maxSessions),
            ("max-sessions-per-node", maxSessionsPerNode), ("idle-timeout", idleTimeout),
            ("bind-timeout", bindTimeout), ("allocation-rate", allocationRate),
            ("allocation-burst", allocationBurst), ("bind-rate", bindRate), ("bind-burst", bindBurst),
            ("log-format", logFormat), ("log-level", logLevel), ("reload-interval-ms", reloadIntervalMs),
            ("udp-gro", udpGRO.map { "\($0)" }), ("udp-gso", udpGSO.map { "\($0)" }),
            ("batched-io", batchedIO.map { "\($0)" }),
        ]
        let lists: [(String, [String])] = [
            ("listen", listen), ("ca-key", caKey), ("ca-key-file", caKeyFile), ("revoked-serial", revokedSerial),
            ("advertise", advertise),
        ]
        var pairs: [(flag: String, value: String)] = []
        for (flag, value) in singles { if let value { pairs.append((flag, value)) } }
        for (flag, values) in lists { for value in values { pairs.append((flag, value)) } }
        return pairs
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let coreCount = RelayServer.coreCount
        let flags: RelaySettings
        let env: RelaySettings
        var file: RelaySettings?
        let configPath = config ?? environment[RelaySettingField.configFileVariable]
        let configuration: RelayServerConfiguration
        do {
            flags = try RelaySettings(flags: flagPairs)
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
        try await server.run()
    }

    static func fail(_ message: String, code: Int32) -> Never {
        var line = "relay-server: error: \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        Glibc.exit(code)
    }
}
