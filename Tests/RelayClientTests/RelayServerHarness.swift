import Foundation
import NIOCore
import NIOPosix
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
    let process: Process
    let logPath: String

    var endpoint: String { "127.0.0.1:\(udpPort)" }
    var adminURL: String { "http://127.0.0.1:\(adminPort)" }
    var relay: RelayEndpoint { try! RelayEndpoint(endpoint: endpoint, publicKey: relayKey.publicKey) }

    enum HarnessError: Error, CustomStringConvertible {
        case notBuilt(String)
        case notReady(log: String)
        var description: String {
            switch self {
            case .notBuilt(let name): "\(name) is not built; run swift build --build-tests first"
            case .notReady(let log): "relay-server did not become ready within 10 s; log:\n\(log)"
            }
        }
    }

    init(extraArguments: [String] = []) async throws {
        guard let server = Executables.path("relay-server") else { throw HarnessError.notBuilt("relay-server") }
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
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = [
            "--listen", "127.0.0.1", "--port", String(udpPort), "--sockets", "1", "--admin-address", "127.0.0.1",
            "--admin-port", String(adminPort), "--private-key-file", directory.path + "/relay.key",
            "--certificate-file", directory.path + "/relay.crt", "--ca-key-file", directory.path + "/ca.pub",
        ] + extraArguments
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<100 {
            if !process.isRunning { break }
            if let ready = try? runProcess("/usr/bin/curl", ["-fsS", adminURL + "/readyz"], timeout: .seconds(2)),
                ready.status == 0
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        stop()
        throw HarnessError.notReady(log: text)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
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

/// A port the kernel reports free on 127.0.0.1 right now (UDP or TCP).
func freePort(udp: Bool) throws -> Int {
    let fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
