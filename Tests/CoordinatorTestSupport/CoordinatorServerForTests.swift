public import Coordinator
import CurlHTTP
import Logging
import PeerRelayTestSupport
public import Tailnet

/// Runs the real coordinator HTTP server over `store` on a free loopback port (plain HTTP, or TLS when the
/// configuration names a certificate) for the duration of `body`, then shuts it down. `body` gets the base URL and an
/// admin client; the tests of the coordinator and of the agent runtime share it.
public func withCoordinatorServer<T: Sendable>(
    store: CoordinatorStore, adminToken: String,
    configuration: CoordinatorServer.Configuration = CoordinatorServer.Configuration(host: "127.0.0.1", port: 0),
    _ body: @Sendable (_ baseURL: String, _ admin: CoordinatorClient) async throws -> T
) async throws -> T {
    var configuredLogger = Logger(label: "coordinator-test")
    configuredLogger.logLevel = .warning
    let logger = configuredLogger
    return try await withRunningService(
        logger: logger,
        { bound in
            try await CoordinatorServer.makeApplication(
                configuration: configuration, store: store, logger: logger, onRunning: bound)
        }
    ) { port in
        let scheme = configuration.usesTLS ? "https" : "http"
        let baseURL = "\(scheme)://127.0.0.1:\(port)"
        let tls = TLSConfiguration(certificateAuthority: configuration.tlsCertificatePath.map { .file($0) })
        let admin = try CoordinatorClient(baseURL: baseURL, token: adminToken, tls: tls)
        return try await body(baseURL, admin)
    }
}
