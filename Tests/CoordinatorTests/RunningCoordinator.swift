import Coordinator
import CoordinatorTestSupport
import CurlHTTP
import Logging
import PeerRelayTestSupport
import Tailnet
import Testing

/// Runs the real coordinator HTTP server over the test tailnet's store (or `store`) on a free loopback port for the
/// duration of `body`, then shuts it down.
func withRunningCoordinator<T: Sendable>(
    _ tailnet: TestTailnet, store: CoordinatorStore? = nil,
    configuration: CoordinatorServer.Configuration = CoordinatorServer.Configuration(host: "127.0.0.1", port: 0),
    _ body: @Sendable (_ baseURL: String, _ admin: CoordinatorClient) async throws -> T
) async throws -> T {
    try await withCoordinatorServer(
        store: store ?? tailnet.store, adminToken: tailnet.adminToken, configuration: configuration, body)
}

/// Expects `body` to fail with a coordinator API error of `status`, returning the error body.
@discardableResult
func expectAPIError(
    _ status: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> some Any
) async -> APIErrorBody? {
    do {
        _ = try await body()
        Issue.record("expected HTTP \(status), the call succeeded", sourceLocation: sourceLocation)
    } catch let CoordinatorClientError.api(actual, errorBody) {
        #expect(actual == status, "\(errorBody.message)", sourceLocation: sourceLocation)
        return errorBody
    } catch {
        Issue.record("expected HTTP \(status), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
