import Foundation
import PeerRelayTestSupport
import RelayCore
import Testing

/// `relayctl probe` and `relayctl sessions` against a real relay-server on loopback.
@Suite(.serialized) struct RelayProbeCLITests {
    let relayctl: String

    init() throws {
        relayctl = try BuiltProducts.path("relayctl")
    }

    func probe(_ relay: RelayServerHarness, _ a: String, _ b: String, extra: [String] = []) async throws
        -> ProcessResult
    {
        try await ChildProcess.run(
            relayctl,
            [
                "probe", "--relay", relay.endpoint, "--relay-cert", "relay.crt", "--ca", ".", "--identity", a,
                "--identity", b, "--timeout", "500ms", "--attempts", "2",
            ] + extra,
            currentDirectory: relay.directory.path, timeout: .seconds(30))
    }

    @Test func probeSucceedsAndSessionsShowsBothSides() async throws {
        let relay = try await RelayServerHarness()
        defer { relay.stop() }
        try relay.identity("alice")
        try relay.identity("bob")

        let result = try await probe(relay, "alice", "bob", extra: ["--count", "4"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("4/4 pings answered end to end through the relay"), "\(result.stdout)")
        #expect(result.stdout.contains("rtt min/avg/max ="))

        let json = try await probe(relay, "alice", "bob", extra: ["--count", "3", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((report["rttMilliseconds"] as? [Double])?.count == 3)
        #expect(report["failure"] == nil)
        let vni = try #require(report["vni"] as? Int)

        let sessions = try await ChildProcess.run(relayctl, ["sessions", "--admin", relay.adminURL])
        #expect(sessions.status == 0, "\(sessions.stderr)")
        let row = sessions.stdout.split(separator: "\n").first { $0.hasPrefix("\(vni) ") }
        #expect(row?.contains("alice") == true, "\(sessions.stdout)")
        #expect(row?.contains("bob") == true, "\(sessions.stdout)")
        #expect(row?.contains("open") == true, "\(sessions.stdout)")
        let raw = try await ChildProcess.run(relayctl, ["sessions", "--admin", relay.adminURL, "--json"])
        #expect(raw.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: Data(raw.stdout.utf8))) != nil)
    }

    @Test func probeFailsWithCertificateFromAnotherTailnet() async throws {
        let relay = try await RelayServerHarness()
        defer { relay.stop() }
        try relay.identity("bob")
        // Another tailnet's CA: the relay does not know its key.
        let foreignCA = try CertificateAuthority(privateKey: .generate(), tailnetID: "other.example")
        try relay.identity("mallory", authority: foreignCA)
        let foreign = try await probe(relay, "mallory", "bob")
        #expect(foreign.status == 1)
        #expect(
            foreign.stderr.contains(
                "probe failed: Allocate (side A): the relay refused Allocate with error 2 (unknownCA)"),
            "\(foreign.stderr)")

        // The trusted CA key, but a certificate naming another tailnet.
        let sameKeyOtherTailnet = try CertificateAuthority(privateKey: relay.ca.privateKey, tailnetID: "other.example")
        try relay.identity("eve", authority: sameKeyOtherTailnet)
        let wrong = try await probe(relay, "bob", "eve")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("Allocate (side B)"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("error 3 (wrongTailnet)"), "\(wrong.stderr)")
    }

    @Test func probeFailsWithExpiredCertificate() async throws {
        let relay = try await RelayServerHarness()
        defer { relay.stop() }
        try relay.identity("alice")
        try relay.identity(
            "old", validFor: .seconds(3600), now: Timestamp(unixSeconds: Timestamp.now().unixSeconds - 7200))
        let result = try await probe(relay, "old", "alice")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error 4 (expiredCertificate)"), "\(result.stderr)")
        #expect(result.stderr.contains("relay says: certificate expired"), "\(result.stderr)")
    }

    @Test func probeOfAStoppedRelayTimesOutWithinItsBound() async throws {
        let relay = try await RelayServerHarness()
        try relay.identity("alice")
        try relay.identity("bob")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for file in ["alice.key", "alice.crt", "bob.key", "bob.crt", "relay.crt", "ca.pub", "tailnet"] {
            try FileManager.default.copyItem(atPath: relay.directory.path + "/" + file, toPath: dir.path + "/" + file)
        }
        let endpoint = relay.endpoint
        relay.stop()
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(
            relayctl,
            [
                "probe", "--relay", endpoint, "--relay-cert", "relay.crt", "--ca", ".", "--identity", "alice",
                "--identity", "bob", "--timeout", "200ms", "--attempts", "2",
            ],
            currentDirectory: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("no reply from the relay at \(endpoint)"), "\(result.stderr)")
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
