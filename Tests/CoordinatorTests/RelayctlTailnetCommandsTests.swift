import Foundation
import PeerRelayTestSupport
import RelayCore
import Tailnet
import Testing

@testable import Coordinator

/// `relayctl tailnet|keys|nodes|relays` against the real coordinator: tables, `--json`, saved config, errors.
@Suite(.timeLimit(.minutes(2))) struct RelayctlTailnetCommandsTests {
    @Test func adminCommandsRoundTrip() async throws {
        let relayctl = try BuiltProducts.path("relayctl")
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let dir = tailnet.directory.path
        try KeyFile.writeText(tailnet.adminToken + "\n", to: "\(dir)/admin.token")
        try await withRunningCoordinator(tailnet) { baseURL, admin in
            let config = ["--config", "\(dir)/relayctl.json"]
            let initialized = try await ChildProcess.run(
                relayctl,
                ["tailnet", "init", "--coordinator", baseURL, "--admin-token-file", "\(dir)/admin.token"] + config)
            #expect(initialized.status == 0, "\(initialized.output)")
            #expect(initialized.output.contains(TestTailnet.tailnetID))
            let saved = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/relayctl.json")))
            #expect((saved as? [String: Any])?["coordinator"] as? String == baseURL)
            let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/relayctl.json")[.posixPermissions]
            #expect((mode as? NSNumber)?.intValue == 0o600)

            let created = try await ChildProcess.run(
                relayctl, ["keys", "create", "--reusable", "--tag", "tag:ci", "--expires", "2h", "--json"] + config)
            #expect(created.status == 0, "\(created.output)")
            let key = try JSONDecoder().decode(PreAuthKeyInfo.self, from: Data(created.stdout.utf8))
            #expect(key.reusable && key.tags == ["tag:ci"] && key.key?.hasPrefix("prkey_") == true)
            #expect(key.expiresAt - key.createdAt == 7200)

            let listed = try await ChildProcess.run(relayctl, ["keys", "list"] + config)
            #expect(listed.output.contains(key.id) && listed.output.contains("valid"))
            #expect(!listed.output.contains(key.key ?? "-"))

            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "cli"))
            let nodes = try await ChildProcess.run(relayctl, ["nodes", "list", "--json"] + config)
            let decoded = try JSONDecoder().decode([NodeInfo].self, from: Data(nodes.stdout.utf8))
            #expect(decoded.map(\.id) == [node.node.id])
            let table = try await ChildProcess.run(relayctl, ["nodes", "list"] + config)
            #expect(table.output.contains("100.64.0.1") && table.output.contains("cli"))

            let relays = try await ChildProcess.run(relayctl, ["relays", "list"] + config)
            #expect(relays.status == 0 && relays.output.contains("no relays published"))

            let removed = try await ChildProcess.run(relayctl, ["nodes", "remove", node.node.id] + config)
            #expect(removed.status == 0 && removed.output.contains("\(node.node.certificateSerial)"))
            let again = try await ChildProcess.run(relayctl, ["nodes", "remove", node.node.id] + config)
            #expect(again.status == 1 && again.output.contains("404"))

            let revoked = try await ChildProcess.run(relayctl, ["keys", "revoke", key.id] + config)
            #expect(revoked.status == 0)
            let badToken = try await ChildProcess.run(
                relayctl, ["nodes", "list", "--coordinator", baseURL, "--admin-token-file", "\(dir)/relayctl.json"])
            #expect(badToken.status == 2 && badToken.output.contains("token is malformed"), "\(badToken.output)")
            try KeyFile.writeText("pradm_" + String(repeating: "0", count: 64), to: "\(dir)/wrong.token")
            let wrongToken = try await ChildProcess.run(
                relayctl, ["nodes", "list", "--coordinator", baseURL, "--admin-token-file", "\(dir)/wrong.token"])
            #expect(wrongToken.status == 1 && wrongToken.output.contains("401"), "\(wrongToken.output)")
            let unconfigured = try await ChildProcess.run(
                relayctl, ["nodes", "list", "--config", "\(dir)/missing.json"])
            #expect(unconfigured.status == 2 && unconfigured.output.contains("tailnet init"))
        }
    }
}
