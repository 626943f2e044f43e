import Coordinator
import Logging
import PeerRelayTestSupport
import Tailnet
import Testing

/// A real coordinator (store in a temporary directory, HTTP on a free loopback port) for the duration of `body`.
func withRunningCoordinator<T: Sendable>(
    policy: CoordinatorPolicy, tailnetID: String = "agent.test",
    _ body: @Sendable (_ baseURL: String, _ admin: CoordinatorClient, _ directory: String) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: "agent-runtime-test")
    defer { directory.remove() }
    let store = try CoordinatorDataDirectory(path: directory.path + "/data").openStore(policy: policy)
    defer { try? store.close() }
    let adminToken = try await store.initialize(tailnetID: tailnetID, name: "Agent test tailnet")
    var configuredLogger = Logger(label: "coordinator-test")
    configuredLogger.logLevel = .warning
    let logger = configuredLogger
    return try await withRunningService(
        logger: logger,
        { bound in
            try await CoordinatorServer.makeApplication(
                configuration: CoordinatorServer.Configuration(host: "127.0.0.1", port: 0), store: store,
                logger: logger, onRunning: bound)
        }
    ) { port in
        let baseURL = "http://127.0.0.1:\(port)"
        let admin = try CoordinatorClient(baseURL: baseURL, token: adminToken)
        return try await body(baseURL, admin, directory.path)
    }
}
