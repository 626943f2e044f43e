import ArgumentParser
import Coordinator
import FallbackServer
import Hummingbird
import Logging
import Tailnet
import Telemetry

/// `tailnet-coordinator serve`: runs the HTTP(S) API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the coordinator API (HTTPS with --tls-cert/--tls-key; HTTP on loopback)."
    )

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address to listen on. Without TLS only loopback addresses are accepted.")
    var host = "127.0.0.1"

    @Option(help: "TCP port.")
    var port = 8480

    @Flag(
        help:
            "Serve plain HTTP on a non-loopback --host: only inside a network you trust (e.g. a pod behind a ClusterIP Service)."
    )
    var allowPlainHttp = false

    @Option(help: "PEM certificate chain for HTTPS.")
    var tlsCert: String?

    @Option(help: "PEM private key for HTTPS.")
    var tlsKey: String?

    @Option(help: "Node certificate lifetime in seconds.")
    var nodeCertValidity: Int64 = 7 * 86_400

    @Option(help: "Relay certificate lifetime in seconds.")
    var relayCertValidity: Int64 = 30 * 86_400

    @Flag(help: "Do not embed the fallback relay (serve /fallback) on this port.")
    var noFallback = false

    @Option(help: "URL clients use for the embedded fallback relay (default: derived from --host and --port).")
    var fallbackURL: String?

    @Option(help: "Another fallback relay to list in netmaps, as REGION=URL (repeatable).")
    var fallbackRelay: [FallbackRelayArgument] = []

    @OptionGroup var fallback: FallbackOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Log format: text or json.")
    var logFormat = "text"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard nodeCertValidity >= 60, relayCertValidity >= 60 else {
            throw ValidationError("certificate lifetimes must be at least 60 seconds")
        }
        guard Logger.Level(parsing: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard LogFormat(parsing: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
    }

    func run() async throws {
        let level = Logger.Level(parsing: logLevel) ?? .info
        TelemetryLogging.bootstrap(format: LogFormat(parsing: logFormat) ?? .text, level: level)
        var configuredLogger = Logger(label: "tailnet-coordinator")
        configuredLogger.logLevel = level
        let logger = configuredLogger
        let metrics = CoordinatorMetrics()
        metrics.telemetry.bootstrapGlobal()
        var relays = fallbackRelay.map(\.relay)
        if !noFallback {
            let shownHost = host.contains(":") ? "[\(host)]" : host
            let url = fallbackURL ?? "\(tlsCert != nil ? "https" : "http")://\(shownHost):\(port)/fallback"
            if fallbackURL == nil && (host == "0.0.0.0" || host == "::") {
                logger.warning(
                    "the netmap lists the embedded fallback relay as \(url); pass --fallback-url with a name clients can reach"
                )
            }
            relays.insert(FallbackRelay(region: fallback.fallbackRegion, url: url), at: 0)
        }
        let policy = CoordinatorPolicy(
            nodeCertificateLifetime: nodeCertValidity, relayCertificateLifetime: relayCertValidity,
            fallbackRelays: relays)
        let store = try storage.directory.openStore(policy: policy)
        defer { try? store.close() }
        guard try await store.isInitialized() else {
            throw ValidationError("\(storage.dataDir) holds no tailnet; run `tailnet-coordinator init` first")
        }
        let configuration = CoordinatorServer.Configuration(
            host: host, port: port, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey, allowPlainHTTP: allowPlainHttp,
            fallback: noFallback ? nil : fallback.configuration)
        if allowPlainHttp && tlsCert == nil {
            logger.warning(
                "serving plain HTTP on \(host) (--allow-plain-http): keep this address inside a trusted network")
        }
        let app = try await CoordinatorServer.makeApplication(
            configuration: configuration, store: store, logger: logger, metrics: metrics
        ) { port in
            logger.info(
                "listening", metadata: ["address": "\(configuration.usesTLS ? "https" : "http")://\(host):\(port)"])
        }
        try await app.runService()
    }
}
