import Foundation
import Kube
import Testing

/// Every suite that talks to the cluster, run one test at a time: one of them restarts kube-apiserver.
@Suite(.serialized) enum KubeIntegration {}

/// The real cluster for integration tests: `PEERRELAY_KUBECONFIG` (from `eval "$(hack/cluster env)"`).
enum Cluster {
    static let kubeconfig: String? = {
        let path = ProcessInfo.processInfo.environment["PEERRELAY_KUBECONFIG"]
        if path == nil || path!.isEmpty {
            print(
                "KubeTests: integration tests skipped: PEERRELAY_KUBECONFIG is unset "
                    + "(run `hack/cluster up` and `eval \"$(hack/cluster env)\"`)"
            )
            return nil
        }
        return path
    }()

    static var available: Bool { kubeconfig != nil }

    static var etcdEndpoint: String? { ProcessInfo.processInfo.environment["PEERRELAY_ETCD_ENDPOINT"] }

    static func client() throws -> KubeClient {
        try KubeClient(kubeconfig: kubeconfig!)
    }

    /// A fresh namespace, deleted when `body` returns.
    static func withNamespace<R>(_ prefix: String, _ body: (KubeClient, String) async throws -> R) async throws -> R {
        let client = try client()
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await client.create(Namespace(name: name))
        do {
            let result = try await body(client, name)
            _ = try? await client.delete(Namespace.self, name: name)
            return result
        } catch {
            _ = try? await client.delete(Namespace.self, name: name)
            throw error
        }
    }

    /// Runs kubectl against the cluster; returns stdout, throws on a non-zero exit.
    static func kubectl(_ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kubectl", "--kubeconfig", kubeconfig!] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECACHEDIR"] = NSTemporaryDirectory() + "kubetests-kubectl-cache"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw KubectlError(message: errorText) }
        return String(decoding: data, as: UTF8.self)
    }
}

struct KubectlError: Error, CustomStringConvertible {
    var message: String
    var description: String { "kubectl failed: \(message)" }
}
