import PeerRelayTestSupport
import RelayClient
import RelayCore
import Testing

@testable import RelayServer

/// A real relay-server (in-process, loopback) with the project's RelayClient: open sessions end when a side's
/// certificate stops holding, and each side is told why with a sealed Error it can act on.
@Suite(.timeLimit(.minutes(2))) struct SessionEndTests {
    /// Two clients with a bound session; `body` gets both sessions.
    static func withOpenSession(
        relay: TestRelay, _ first: TestTailnet.Node, _ second: TestTailnet.Node,
        _ body: (RelaySession, RelaySession) async throws -> Void
    ) async throws {
        let endpoint = RelayEndpoint(address: relay.address, publicKey: relay.relayPublicKey)
        let a = try await RelayClient.connect(
            identity: try RelayIdentity(privateKey: first.key, certificate: first.certificate), relay: endpoint)
        let b = try await RelayClient.connect(
            identity: try RelayIdentity(privateKey: second.key, certificate: second.certificate), relay: endpoint)
        do {
            let allocationA = try await a.allocate(peer: second.publicKey)
            let allocationB = try await b.allocate(peer: first.publicKey)
            let sessionA = try await a.bind(allocationA)
            let sessionB = try await b.bind(allocationB)
            #expect(try await sessionA.ping() < .seconds(2), "the session forwards before the change")
            try await body(sessionA, sessionB)
        } catch {
            await a.close()
            await b.close()
            throw error
        }
        await a.close()
        await b.close()
    }

    /// Waits (bounded) until the relay has ended `session`; returns how long that took.
    static func waitForEnd(_ session: RelaySession, within limit: Duration) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if session.endedBy != nil { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Data sent on `from` after the end is dropped by the relay as `unknown_session` and nothing is forwarded
    /// (checked at the relay: the client forgets an ended session, so its own silence would prove nothing).
    static func expectNotForwarded(relay: TestRelay, from: RelaySession) async throws {
        let before = try await relay.scrape()
        try await from.send(Array("after the end".utf8))
        var after = before
        for _ in 0..<40 {
            try await Task.sleep(for: .milliseconds(50))
            after = try await relay.scrape()
            if after.value("relay_dropped_packets_total", #"reason="unknown_session""#)
                > before.value("relay_dropped_packets_total", #"reason="unknown_session""#)
            {
                break
            }
        }
        #expect(
            after.value("relay_dropped_packets_total", #"reason="unknown_session""#)
                == before.value("relay_dropped_packets_total", #"reason="unknown_session""#) + 1)
        #expect(after.sum("relay_forwarded_packets_total") == before.sum("relay_forwarded_packets_total"))
    }

    @Test func anExpiredCertificateEndsItsSession() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            // Long enough for a loaded machine to allocate and bind before it expires.
            let shortLived = try tailnet.node("short", validFor: .seconds(8))
            let peer = try tailnet.node("peer")
            try await Self.withOpenSession(relay: relay, shortLived, peer) { short, other in
                let waited = try await Self.waitForEnd(short, within: .seconds(20))
                #expect(waited != nil, "the session outlived its certificate")
                #expect(short.endedBy?.relayErrorCode == .expiredCertificate, "\(String(describing: short.endedBy))")
                #expect(try await Self.waitForEnd(other, within: .seconds(5)) != nil)
                #expect(other.endedBy?.relayErrorCode == .unknownSession)
                try await Self.expectNotForwarded(relay: relay, from: other)
                let metrics = try await relay.scrape()
                #expect(metrics.value("relay_sessions_ended_total", #"reason="expired_certificate""#) == 1)
                #expect(metrics.value("relay_sessions", #"state="open""#) == 0)
            }
        }
    }

    @Test func aRemovedCAEndsItsSessionsAndKeepsTheOthers() async throws {
        let tailnet = try TestTailnet()
        let second = try TestTailnet(id: tailnet.id)  // a second CA of the same tailnet
        defer {
            tailnet.remove()
            second.remove()
        }
        func write(_ keys: [CAPublicKey]) throws -> String {
            let list = keys.map { "\"\($0.base64)\"" }.joined(separator: ", ")
            return try tailnet.write(
                #"{"caKeys": [\#(list)], "reloadIntervalMilliseconds": 100}"#, named: "relay.json")
        }
        let path = try write([tailnet.caPublicKey, second.caPublicKey])
        var flags = TestRelay.settings(tailnet)
        flags.caKeys = nil
        try await TestRelay.with(tailnet, settings: flags, configFile: path) { relay in
            let kept1 = try tailnet.node("kept1")
            let kept2 = try tailnet.node("kept2")
            try await Self.withOpenSession(relay: relay, try second.node("dropped1"), try second.node("dropped2")) {
                dropped1, dropped2 in
                try await Self.withOpenSession(relay: relay, kept1, kept2) { keptA, _ in
                    _ = try write([tailnet.caPublicKey])
                    #expect(try await Self.waitForEnd(dropped1, within: .seconds(5)) != nil)
                    #expect(dropped1.endedBy?.relayErrorCode == .unknownCA)
                    #expect(try await Self.waitForEnd(dropped2, within: .seconds(1)) != nil)
                    #expect(dropped2.endedBy?.relayErrorCode == .unknownCA)
                    try await Self.expectNotForwarded(relay: relay, from: dropped1)
                    #expect(try await keptA.ping() < .seconds(2), "sessions of the kept CA still forward")
                    #expect(keptA.endedBy == nil)
                    let metrics = try await relay.scrape()
                    #expect(metrics.value("relay_sessions_ended_total", #"reason="unknown_ca""#) == 1)
                }
            }
        }
    }
}
