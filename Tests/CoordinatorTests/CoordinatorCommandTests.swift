import Foundation
import PeerRelayTestSupport
import RelayCore
import Testing

@testable import Coordinator
@testable import Tailnet

/// The `tailnet-coordinator` executable: init, token, and an offline `rotate-ca` while the server runs on the same
/// database (the server's version watcher wakes long polls).
@Suite(.timeLimit(.minutes(2))) struct CoordinatorCommandTests {
    @Test func initRefusesASecondTailnetAndWritesOwnerOnlyFiles() async throws {
        let binary = try BuiltProducts.path("tailnet-coordinator")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let created = try await ChildProcess.run(
            binary, ["init", "--data-dir", data, "--tailnet-id", "cli.test", "--admin-token-file", data + ".admin"])
        #expect(created.status == 0, "\(created.output)")
        let again = try await ChildProcess.run(binary, ["init", "--data-dir", data, "--tailnet-id", "cli.test"])
        #expect(again.status != 0 && again.output.contains("already holds a tailnet"), "\(again.output)")
        let bad = try await ChildProcess.run(binary, ["init", "--data-dir", data + "2", "--tailnet-id", "Bad_ID"])
        #expect(bad.status != 0 && bad.output.contains("tailnetID"), "\(bad.output)")
        for path in [data, data + "/ca", data + "/coordinator.sqlite", data + ".admin"] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
            #expect(mode.map { $0.intValue & 0o077 } == 0, "\(path) is readable by others")
        }
        let keys = try FileManager.default.contentsOfDirectory(atPath: data + "/ca")
        #expect(keys.count == 1 && keys[0].hasSuffix(".key"))
        let token = try await ChildProcess.run(binary, ["token", "--data-dir", data, "--kind", "relay-publisher"])
        #expect(token.status == 0 && token.output.hasPrefix("prpub_"), "\(token.output)")
        let plainHTTP = try await ChildProcess.run(binary, ["serve", "--data-dir", data, "--host", "0.0.0.0"])
        #expect(plainHTTP.status != 0 && plainHTTP.output.contains("--tls-cert"), "\(plainHTTP.output)")
    }

    @Test func offlineRotationReachesLongPollingNodes() async throws {
        let binary = try BuiltProducts.path("tailnet-coordinator")
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest())
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "n"))
            let client = admin.with(token: node.nodeToken)
            let before = try #require(try await client.netmap())
            async let changed = client.netmap(since: before.version, timeout: 30)
            let rotated = try await ChildProcess.run(
                binary, ["rotate-ca", "--data-dir", tailnet.directory.path + "/data", "--overlap", "3600"])
            #expect(rotated.status == 0, "\(rotated.output)")
            let after = try #require(try await changed)
            #expect(after.caPublicKeys.count == 2)
            #expect(after.selfNode.certificate != before.selfNode.certificate)
            // The server signs with the key the other process created.
            let renewed = try await client.renew()
            let certificate = try TailnetCertificate(
                decoding: Array(try #require(Data(base64Encoded: renewed.certificate))))
            #expect(certificate.caKeyID.description == after.caPublicKeys.first { $0.active }?.keyID)
        }
    }
}
