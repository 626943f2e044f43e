import Foundation
import PeerRelayTestSupport
import RelayCore
import Testing

@testable import Coordinator
@testable import Tailnet

/// The coordinator with the real relay-server and relayctl binaries: certificates it issues are accepted,
/// certificates it revokes are refused once `relayctl tailnet sync-revocations` has updated the relay's config.
@Suite(.timeLimit(.minutes(3))) struct RelayIntegrationTests {
    struct Identity {
        var key: PrivateKey
        var prefix: String
    }

    static func writeIdentity(_ key: PrivateKey, certificate base64: String, prefix: String) throws {
        let certificate = try TailnetCertificate(decoding: Array(try #require(Data(base64Encoded: base64))))
        try KeyFile.write(key, to: prefix + ".key")
        try KeyFile.write(certificate, to: prefix + ".crt")
    }

    @Test func publishedRelayIsProbedAndRemovedNodeIsRefused() async throws {
        let relayServer = try BuiltProducts.path("relay-server")
        let relayctl = try BuiltProducts.path("relayctl")
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let dir = tailnet.directory.path
        try await withRunningCoordinator(tailnet) { baseURL, admin in
            // Three nodes registered through the API, their identities written as relayctl expects them.
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true, tags: ["tag:probe"]))
            var nodes: [String: RegisterResponse] = [:]
            for name in ["a", "b", "c"] {
                let privateKey = PrivateKey.generate()
                let response = try await admin.register(
                    RegisterRequest(preAuthKey: key.key, publicKey: privateKey.publicKey.base64, name: name))
                try Self.writeIdentity(privateKey, certificate: response.certificate, prefix: "\(dir)/\(name)")
                nodes[name] = response
            }
            // The relay published with a relay-publisher token; its certificate comes from the coordinator.
            let publisher = try await admin.createToken(TokenRequest(kind: "relay-publisher"))
            try KeyFile.writeText((publisher.token ?? "") + "\n", to: "\(dir)/publisher.token")
            let port = try freePort(udp: true)
            let relayKey = PrivateKey.generate()
            let published = try await admin.with(token: publisher.token).publishRelay(
                RelayPublishRequest(
                    name: "probe-relay", replica: 0, publicKey: relayKey.publicKey.base64,
                    endpoints: ["127.0.0.1:\(port)"], tags: ["tag:relay"]))
            try Self.writeIdentity(relayKey, certificate: published.relay.certificate, prefix: "\(dir)/relay")

            let sync = [
                "tailnet", "sync-revocations", "--once", "--coordinator", baseURL, "--token-file",
                "\(dir)/publisher.token", "--relay-config", "\(dir)/relay.json", "--tailnet-id", TestTailnet.tailnetID,
            ]
            let firstSync = try await ChildProcess.run(relayctl, sync)
            #expect(firstSync.status == 0, "\(firstSync.output)")

            let relay = try ChildProcess(
                relayServer,
                arguments: [
                    "--config", "\(dir)/relay.json", "--listen", "127.0.0.1", "--port", "\(port)", "--sockets", "1",
                    "--admin-address", "127.0.0.1", "--admin-port", "0", "--private-key-file", "\(dir)/relay.key",
                    "--certificate-file", "\(dir)/relay.crt", "--reload-interval-ms", "100",
                ], log: "\(dir)/relay.log")
            defer { relay.stop() }

            let probe = { (first: String, second: String) in
                try await ChildProcess.run(
                    relayctl,
                    [
                        "probe", "--relay", "127.0.0.1:\(port)", "--relay-cert", "\(dir)/relay.crt", "--identity",
                        "\(dir)/\(first)", "--identity", "\(dir)/\(second)", "--count", "2", "--timeout", "500ms",
                        "--attempts", "6",
                    ])
            }
            let good = try await probe("a", "b")
            #expect(good.status == 0, "probe a↔b failed: \(good.output)\nrelay log: \(Self.log(dir))")

            // Remove c: its serial is revoked, synced into the relay config, and the relay refuses it.
            let removal = try await admin.removeNode(id: try #require(nodes["c"]).node.id)
            #expect(removal.revokedSerials == [try #require(nodes["c"]).node.certificateSerial])
            let secondSync = try await ChildProcess.run(relayctl, sync)
            #expect(secondSync.status == 0, "\(secondSync.output)")
            let config = try String(contentsOfFile: "\(dir)/relay.json", encoding: .utf8)
            #expect(config.contains("\(removal.revokedSerials[0])"))
            try await Task.sleep(for: .milliseconds(600))  // relay-server re-reads its config every 100 ms
            let refused = try await probe("a", "c")
            #expect(refused.status != 0, "the relay accepted a revoked certificate: \(refused.output)")
            #expect(refused.output.lowercased().contains("revoked"), "\(refused.output)")
            let stillGood = try await probe("a", "b")
            #expect(stillGood.status == 0, "\(stillGood.output)")
        }
    }

    static func log(_ dir: String) -> String {
        String((try? String(contentsOfFile: "\(dir)/relay.log", encoding: .utf8))?.suffix(2000) ?? "")
    }
}
