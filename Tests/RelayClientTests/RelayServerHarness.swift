import Foundation
import NIOCore
import NIOPosix
import PeerRelayTestSupport
import RelayClient
import RelayCore

/// A real relay-server process on loopback with a fresh tailnet CA, plus helpers to mint node identities.
/// `stop()` terminates it (SIGTERM, then SIGKILL after 5 s); call it in a `defer`.
final class RelayServerHarness: @unchecked Sendable {
    static let tailnet = "harness.example"

    let directory: TemporaryDirectory
    let ca: CertificateAuthority
    let relayKey: PrivateKey
    let udpPort: Int
    let adminPort: Int
    let process: ChildProcess
    let logPath: String

    var endpoint: String { "127.0.0.1:\(udpPort)" }
    var adminURL: String { "http://127.0.0.1:\(adminPort)" }
    var relay: RelayEndpoint { try! RelayEndpoint(endpoint: endpoint, publicKey: relayKey.publicKey) }

    enum HarnessError: Error, CustomStringConvertible {
        case notReady(log: String)
        var description: String {
            switch self {
            case .notReady(let log): "relay-server did not become ready within 10 s; log:\n\(log)"
            }
        }
    }

    init(extraArguments: [String] = []) async throws {
        let server = try BuiltProducts.path("relay-server")
        directory = try TemporaryDirectory()
        ca = try CertificateAuthority(privateKey: .generate(), tailnetID: Self.tailnet)
        relayKey = PrivateKey.generate()
        let relayCertificate = try ca.issue(
            role: .relay, subjectKey: relayKey.publicKey, subjectID: "relay-1", subjectName: "relay-1")
        try KeyFile.write(relayKey, to: directory.path + "/relay.key")
        try KeyFile.write(relayKey.publicKey, to: directory.path + "/relay.pub")
        try KeyFile.write(relayCertificate, to: directory.path + "/relay.crt")
        try KeyFile.write(ca.publicKey, to: directory.path + "/ca.pub")
        try KeyFile.write(ca.privateKey, to: directory.path + "/ca.key")
        try KeyFile.writeText(Self.tailnet + "\n", to: directory.path + "/tailnet")
        udpPort = try freePort(udp: true)
        adminPort = try freePort(udp: false)
        logPath = directory.path + "/relay.log"
        process = try ChildProcess(
            server,
            arguments: [
                "--listen", "127.0.0.1", "--port", String(udpPort), "--sockets", "1", "--admin-address", "127.0.0.1",
                "--admin-port", String(adminPort), "--private-key-file", directory.path + "/relay.key",
                "--certificate-file", directory.path + "/relay.crt", "--ca-key-file", directory.path + "/ca.pub",
            ] + extraArguments, log: logPath)
        for _ in 0..<100 {
            if !process.isRunning { break }
            if let ready = try? await HTTPGet.get(port: adminPort, path: "/readyz"), ready.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        stop()
        throw HarnessError.notReady(log: text)
    }

    func stop() {
        process.stop(grace: .seconds(5))
        directory.remove()
    }

    /// A node identity of this relay's tailnet (or of `tailnet`, signed by `authority`), written to
    /// `<dir>/<name>.key|.crt` for relayctl and returned for RelayClient.
    @discardableResult
    func identity(
        _ name: String, authority: CertificateAuthority? = nil, role: CertificateRole = .node,
        validFor: Duration = .seconds(3600), now: Timestamp = .now()
    ) throws -> RelayIdentity {
        let key = PrivateKey.generate()
        let certificate = try (authority ?? ca).issue(
            role: role, subjectKey: key.publicKey, subjectID: name, subjectName: name, validFor: validFor, now: now)
        try KeyFile.write(key, to: directory.path + "/\(name).key")
        try KeyFile.write(certificate, to: directory.path + "/\(name).crt")
        return try RelayIdentity(privateKey: key, certificate: certificate)
    }
}
