public import FallbackServer
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import ServiceLifecycle
import Tailnet

/// Assembles the coordinator's HTTP(S) application and the services that run beside it.
public enum CoordinatorServer {
    /// Where and how to listen.
    public struct Configuration: Sendable {
        /// Address to bind (loopback unless TLS is configured).
        public var host: String
        /// TCP port (0 picks a free one).
        public var port: Int
        /// PEM certificate chain for HTTPS.
        public var tlsCertificatePath: String?
        /// PEM private key for HTTPS.
        public var tlsKeyPath: String?
        /// How often the version watcher looks for changes made by other processes.
        public var versionPollInterval: Duration
        /// Serve plain HTTP on a non-loopback address (only behind a network boundary the operator trusts, such
        /// as a ClusterIP Service reached from inside the cluster).
        public var allowPlainHTTP: Bool
        /// The embedded fallback relay on the same port (`/fallback`); nil serves none.
        public var fallback: FallbackServerConfiguration?

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 8480, tlsCertificatePath: String? = nil,
            tlsKeyPath: String? = nil, versionPollInterval: Duration = .seconds(1), allowPlainHTTP: Bool = false,
            fallback: FallbackServerConfiguration? = FallbackServerConfiguration()
        ) {
            self.host = host
            self.port = port
            self.tlsCertificatePath = tlsCertificatePath
            self.tlsKeyPath = tlsKeyPath
            self.versionPollInterval = versionPollInterval
            self.allowPlainHTTP = allowPlainHTTP
            self.fallback = fallback
        }

        /// Whether HTTPS is configured.
        public var usesTLS: Bool { tlsCertificatePath != nil }

        /// Checks that TLS is configured completely and that plain HTTP is only used on loopback.
        public func validate() throws {
            if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
                throw CoordinatorError.invalid(
                    "HTTPS needs both --tls-cert and --tls-key", fields: ["tls": "give both files or neither"])
            }
            let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
            if !usesTLS && !loopback && !allowPlainHTTP {
                throw CoordinatorError.invalid(
                    "plain HTTP is only allowed on loopback; pass --tls-cert and --tls-key to listen on \(host) "
                        + "(or --allow-plain-http inside a network you trust, e.g. behind a ClusterIP Service)",
                    fields: ["host": "must be a loopback address without TLS"])
            }
        }
    }

    /// Builds the application. `onRunning` receives the bound port once the server listens; `/metrics` renders
    /// `metrics`' registry.
    ///
    /// - Throws: ``CoordinatorError`` for a bad configuration or unreadable TLS files.
    public static func makeApplication(
        configuration: Configuration, store: CoordinatorStore, logger: Logger,
        metrics: CoordinatorMetrics = CoordinatorMetrics(),
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        try configuration.validate()
        let hub = NetmapHub(version: try await store.netmapVersion())
        let fallback: FallbackServer?
        if let fallbackConfiguration = configuration.fallback {
            fallback = FallbackServer(
                configuration: fallbackConfiguration, verifier: try await store.revocationList().verifier,
                metrics: FallbackMetrics(telemetry: metrics.telemetry), logger: logger)
        } else {
            fallback = nil
        }
        let api = CoordinatorAPI(store: store, hub: hub, metrics: metrics, fallback: fallback)
        let watcher = VersionWatcher(store: store, hub: hub, interval: configuration.versionPollInterval)
        var services: [any Service] = [watcher]
        if let fallback { services.append(FallbackTrustUpdater(store: store, hub: hub, server: fallback)) }
        let http: HTTPServerBuilder = fallback.map { .fallback($0) } ?? .http1()
        let server = try serverBuilder(http, configuration: configuration)
        if configuration.port != 0 {
            // STUN on the same port number over UDP: nodes learn their reflexive address from the coordinator.
            services.append(
                try await STUNService.bind(host: configuration.host, port: configuration.port, logger: logger))
        }
        return Application(
            router: api.makeRouter(), server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "tailnet-coordinator"),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// `http` wrapped in TLS when `configuration` names a certificate and key.
    static func serverBuilder(_ http: HTTPServerBuilder, configuration: Configuration) throws -> HTTPServerBuilder {
        guard let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath else {
            return http
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(certificatePath)
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
            return try .tls(http, tlsConfiguration: tls)
        } catch {
            throw CoordinatorError.invalid(
                "cannot load the TLS certificate or key: \(error)",
                fields: ["tls": "--tls-cert must be a PEM certificate chain and --tls-key its PEM private key"])
        }
    }
}
