import RelayCore
import Testing

@testable import RelayServer

@Suite struct LimitsTests {
    @Test func idleAndUnboundSessionsExpire() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        // Short, but not so short that a loaded machine's Allocate-to-Bind or Bind-to-data delay outlasts them.
        settings.idleTimeoutSeconds = 2
        settings.bindTimeoutSeconds = 3
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let clients = try await relay.clients("alice", "bob", "carol")
            let (a, b, c) = (clients[0], clients[1], clients[2])
            defer { Task { for client in clients { await client.close() } } }
            let vni = try await ForwardingTests.establish(a, b)
            #expect(try await ForwardingTests.deliver([1], vni: vni, from: a, to: b) != nil)
            _ = try await c.allocateOK(peer: a.publicKey)  // never bound
            // Both expire within a few sweep periods of their timeouts. Wait for the open one
            // too: the unbound one expires first, and under load a retransmitted Allocate can leave one more.
            var expired = PrometheusText("")
            for _ in 0..<120 {
                try await Task.sleep(for: .milliseconds(150))
                expired = try await relay.scrape()
                if expired.value("relay_sessions_expired_total", #"state="open""#) >= 1,
                    expired.value("relay_sessions_expired_total", #"state="binding""#) >= 1,
                    expired.sum("relay_sessions") == 0
                {
                    break
                }
            }
            #expect(expired.value("relay_sessions_expired_total", #"state="open""#) == 1)
            #expect(expired.value("relay_sessions_expired_total", #"state="binding""#) >= 1)
            #expect(expired.sum("relay_sessions") == 0)
            try await a.sendData(vni: vni, payload: [2])
            #expect(await b.socket.receive(timeout: .milliseconds(300)) == nil)
            let after = try await relay.scrape()
            #expect(after.value("relay_dropped_packets_total", #"reason="unknown_session""#) >= 1)
        }
    }

    @Test func globalAndPerNodeCapsAreAnsweredWithErrors() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        settings.maxSessions = 2
        settings.maxSessionsPerNode = 1
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let clients = try await relay.clients("a", "b", "c", "d", "e", "f")
            defer { Task { for client in clients { await client.close() } } }
            _ = try await clients[0].allocateOK(peer: clients[1].publicKey)
            // Per node: a already has one session.
            let second = try await clients[0].allocate(peer: clients[2].publicKey)
            guard case .error(let perNode) = second else {
                Issue.record("expected capacity (per node), got \(String(describing: second))")
                return
            }
            #expect(perNode.code == .capacityPerNode)
            _ = try await clients[2].allocateOK(peer: clients[3].publicKey)
            // Global: two sessions exist.
            let third = try await clients[4].allocate(peer: clients[5].publicKey)
            guard case .error(let global) = third else {
                Issue.record("expected capacity (global), got \(String(describing: third))")
                return
            }
            #expect(global.code == .capacityGlobal)
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_errors_sent_total", #"code="capacity_per_node""#) == 1)
            #expect(metrics.value("relay_errors_sent_total", #"code="capacity_global""#) == 1)
            #expect(metrics.value("relay_sessions", #"state="binding""#) == 2)
        }
    }

    @Test func allocationsAreRateLimitedPerSource() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        settings.allocationsPerSecond = 0.01
        settings.allocationBurst = 3
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let clients = try await relay.clients("a", "b")
            defer { Task { for client in clients { await client.close() } } }
            var replies: [TestClient.Reply?] = []
            for _ in 0..<6 {
                replies.append(try await clients[0].allocate(peer: clients[1].publicKey, generation: 5))
            }
            let allocated = replies.filter { if case .allocated = $0 { true } else { false } }.count
            let limited = replies.filter { if case .error(let e) = $0 { e.code == .rateLimited } else { false } }
            #expect(allocated == 3, "the burst passes")
            #expect(limited.count >= 1, "the first refusal is answered with a sealed Error")
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_dropped_packets_total", #"reason="rate_limited""#) == 3)
            #expect(metrics.value("relay_errors_sent_total", #"code="rate_limited""#) == Double(limited.count))
        }
    }

    @Test func bindsAreRateLimitedPerSource() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        settings.bindsPerSecond = 0.01
        settings.bindBurst = 2
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let clients = try await relay.clients("a", "b")
            defer { Task { for client in clients { await client.close() } } }
            let vni = try await clients[0].allocateOK(peer: clients[1].publicKey).vni
            let bind = clients[0].controlDatagram(
                .bind(BindMessage(vni: vni, generation: 1, remoteKey: clients[1].publicKey)), vni: vni)
            for _ in 0..<6 { try await clients[0].socket.send(bind, to: relay.address) }
            var replies: [TestClient.Reply] = []
            while let next = await clients[0].socket.receive(timeout: .milliseconds(500)) {
                expectReplyNotLarger(next.bytes.count, bind.count)
                replies.append(try clients[0].open(next.bytes))
                if replies.count > 6 { break }
            }
            let challenges = replies.filter { if case .challenge = $0 { true } else { false } }
            let limited = replies.filter { if case .error(let e) = $0 { e.code == .rateLimited } else { false } }
            #expect(challenges.count == 2, "the burst passes")
            #expect(limited.count <= 1, "at most one sealed Error per limited period, the rest is silent")
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_dropped_packets_total", #"reason="rate_limited""#) == 4)
        }
    }
}
