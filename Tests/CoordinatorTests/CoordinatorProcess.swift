import Foundation
import PeerRelayTestSupport
import Tailnet

#if canImport(Glibc)
    import Glibc
#endif

/// The real `tailnet-coordinator` executable serving a data directory on a loopback port; it can be killed and
/// started again on the same directory and port.
struct CoordinatorProcess: Sendable {
    let executable: String
    let dataDir: String
    let port: Int
    let adminToken: String

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs `tailnet-coordinator init` in `dataDir`.
    static func initialize(in dataDir: String, tailnetID: String = "test.tailnet") async throws -> CoordinatorProcess {
        let executable = try BuiltProducts.path("tailnet-coordinator")
        let tokenFile = dataDir + ".admin-token"
        let result = try await ChildProcess.run(
            executable,
            ["init", "--data-dir", dataDir, "--tailnet-id", tailnetID, "--admin-token-file", tokenFile])
        guard result.status == 0 else { throw TestSupportError("tailnet-coordinator init failed: \(result.output)") }
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return CoordinatorProcess(
            executable: executable, dataDir: dataDir, port: try freePort(udp: false), adminToken: token)
    }

    /// Starts `serve` and waits (bounded) until `/healthz` answers.
    func start(log: String) async throws -> ChildProcess {
        let child = try ChildProcess(
            executable,
            arguments: ["serve", "--data-dir", dataDir, "--port", "\(port)", "--log-level", "warning"], log: log)
        let client = try CoordinatorClient(baseURL: baseURL)
        for _ in 0..<200 {
            if await client.healthy() { return child }
            guard child.isRunning else { throw TestSupportError("the coordinator exited: \(child.output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.stop()
        throw TestSupportError("the coordinator did not answer /healthz within 10 s: \(child.output)")
    }

    /// An admin client.
    func admin() throws -> CoordinatorClient {
        try CoordinatorClient(baseURL: baseURL, token: adminToken)
    }
}
