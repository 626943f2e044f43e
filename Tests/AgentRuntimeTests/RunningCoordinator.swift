import Coordinator
import CoordinatorTestSupport
import PeerRelayTestSupport
import Tailnet

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
    return try await withCoordinatorServer(store: store, adminToken: adminToken) { baseURL, admin in
        try await body(baseURL, admin, directory.path)
    }
}
