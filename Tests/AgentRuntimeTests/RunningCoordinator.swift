import Coordinator
import Logging
import PeerRelayTestSupport
import ServiceLifecycle
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
    var logger = Logger(label: "coordinator-test")
    logger.logLevel = .warning
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = try await CoordinatorServer.makeApplication(
        configuration: CoordinatorServer.Configuration(host: "127.0.0.1", port: 0), store: store, logger: logger
    ) { port in continuation.yield(port) }
    let services = ServiceGroup(
        configuration: ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await services.run()
            return nil
        }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let baseURL = "http://127.0.0.1:\(port)"
        let admin = try CoordinatorClient(baseURL: baseURL, token: adminToken)
        let result = try await body(baseURL, admin, directory.path)
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}
