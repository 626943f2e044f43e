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

    @OptionGroup var listen: ListenOptions

    @Option(help: "TCP port.")
    var port = 8480

    @Flag(
        help:
            "Serve plain HTTP on a non-loopback --host: only inside a network you trust (e.g. a pod behind a ClusterIP Service)."
    )
    var allowPlainHttp = false

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

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard nodeCertValidity >= 60, relayCertValidity >= 60 else {
            throw ValidationError("certificate lifetimes must be at least 60 seconds")
        }
    }

    func run() async throws {
        let logger = log.bootstrap(label: "tailnet-coordinator")
        let metrics = CoordinatorMetrics()
        metrics.telemetry.bootstrapGlobal()
        var relays = fallbackRelay.map(\.relay)
        if !noFallback {
            let url = fallbackURL ?? listen.url(port: port) + "/fallback"
            if fallbackURL == nil && (listen.host == "0.0.0.0" || listen.host == "::") {
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
            host: listen.host, port: port, tlsCertificatePath: listen.tlsCert, tlsKeyPath: listen.tlsKey,
            allowPlainHTTP: allowPlainHttp,
            fallback: noFallback ? nil : fallback.configuration)
        if allowPlainHttp && listen.tlsCert == nil {
            logger.warning(
                "serving plain HTTP on \(listen.host) (--allow-plain-http): keep this address inside a trusted network")
        }
        let app = try await CoordinatorServer.makeApplication(
            configuration: configuration, store: store, logger: logger, metrics: metrics
        ) { port in
            logger.info(
                "listening", metadata: ["address": "\(listen.url(port: port))"])
        }
        try await app.runService()
    }
}
