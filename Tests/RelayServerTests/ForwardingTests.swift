import FoundationEssentials
import NIOCore
import PeerRelayTestSupport
import RelayCore
import Testing

@testable import RelayServer

@Suite struct ForwardingTests {
    /// Allocates (both sides) and binds (both sides); returns the VNI.
    static func establish(_ a: TestClient, _ b: TestClient) async throws -> UInt32 {
        let fromA = try await a.allocateOK(peer: b.publicKey)
        let fromB = try await b.allocateOK(peer: a.publicKey)
        #expect(fromA.vni == fromB.vni)
        #expect(fromA.vni != 0)
        try await a.bind(vni: fromA.vni, peer: b.publicKey, generation: 1)
        try await b.bind(vni: fromA.vni, peer: a.publicKey, generation: 1)
        return fromA.vni
    }

    /// Sends from `from` until `to` receives it (the Answer is not acknowledged, so the first datagram may race it).
    static func deliver(_ payload: [UInt8], vni: UInt32, from: TestClient, to: TestClient) async throws -> [UInt8]? {
        for _ in 0..<5 {
            try await from.sendData(vni: vni, payload: payload)
            if let received = await to.socket.receive(timeout: .milliseconds(400)) { return received.bytes }
        }
        return nil
    }

    @Test func twoClientsExchangeTrafficBothWays() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            let clients = try await relay.clients("alice", "bob")
            let (a, b) = (clients[0], clients[1])
            defer {
                Task {
                    await a.close(); await b.close()
                }
            }
            let vni = try await Self.establish(a, b)

            let ping = Array("hello from alice".utf8)
            let atB = try await Self.deliver(ping, vni: vni, from: a, to: b)
            #expect(atB == TestClient.dataDatagram(vni: vni, payload: ping), "forwarded verbatim")
            let pong = [UInt8](repeating: 0xAB, count: 1200)
            let atA = try await Self.deliver(pong, vni: vni, from: b, to: a)
            #expect(atA == TestClient.dataDatagram(vni: vni, payload: pong))
            // A burst in one direction arrives complete and in order.
            for index in 0..<50 { try await a.sendData(vni: vni, payload: [UInt8(index)] + ping) }
            var received: [[UInt8]] = []
            for _ in 0..<50 {
                guard let next = await b.socket.receive(timeout: .seconds(2)) else { break }
                received.append(next.bytes)
            }
            #expect(received.count == 50)
            #expect(received.first == TestClient.dataDatagram(vni: vni, payload: [0] + ping))

            let metrics = try await relay.scrape()
            let forwarded = metrics.value("relay_forwarded_packets_total", #"in="udp4",out="udp4""#)
            #expect(forwarded >= 52)
            #expect(metrics.value("relay_sessions", #"state="open""#) == 1)
            #expect(metrics.value("relay_handshakes_total", #"step="answer",result="ok""#) == 2)

            let sessions = try await HTTPGet.get(port: relay.adminPort, path: "/debug/sessions")
            #expect(sessions.status == 200)
            #expect(sessions.body.contains("alice"))
            #expect(sessions.body.contains("bob"))
            #expect(sessions.body.contains("\"vni\" : \(vni)"))
            #expect(sessions.body.contains("\"state\" : \"open\""))
        }
    }

    @Test func answerFromASpoofedSourceDoesNotBind() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            let clients = try await relay.clients("alice", "bob")
            let (a, b) = (clients[0], clients[1])
            let other = try await TestSocket.open()
            defer {
                Task {
                    await a.close(); await b.close(); await other.close()
                }
            }
            let vni = try await a.allocateOK(peer: b.publicKey).vni
            _ = try await b.allocateOK(peer: a.publicKey)
            try await b.bind(vni: vni, peer: a.publicKey, generation: 1)
            // A gets a Challenge on its own socket but the Answer comes from another socket (another port).
            let reply = try await a.request(
                .bind(BindMessage(vni: vni, generation: 7, remoteKey: b.publicKey)), vni: vni)
            guard case .challenge(let challenge) = reply else {
                Issue.record("no challenge: \(String(describing: reply))")
                return
            }
            try await other.send(a.controlDatagram(.answer(challenge), vni: vni), to: relay.address)
            try await Task.sleep(for: .milliseconds(200))
            // Neither the spoofing socket nor A's real socket is bound: B's data goes nowhere.
            try await b.sendData(vni: vni, payload: [1, 2, 3])
            #expect(await other.receive(timeout: .milliseconds(500)) == nil)
            #expect(await a.socket.receive(timeout: .milliseconds(100)) == nil)
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_dropped_packets_total", #"reason="bad_cookie""#) == 1)
            #expect(metrics.value("relay_dropped_packets_total", #"reason="session_not_bound""#) >= 1)
            #expect(metrics.value("relay_sessions", #"state="open""#) == 0)
        }
    }

    @Test func rebindAfterAddressChangeMovesTheBinding() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            let clients = try await relay.clients("alice", "bob")
            let (a, b) = (clients[0], clients[1])
            let vni = try await Self.establish(a, b)
            #expect(try await Self.deliver([1], vni: vni, from: a, to: b) != nil)
            // Alice's NAT mapping changes: same key, new socket.
            let moved = try await TestClient(node: a.node, relay: relay.address, relayPublicKey: relay.relayPublicKey)
            defer {
                Task {
                    await a.close(); await b.close(); await moved.close()
                }
            }
            try await moved.bind(vni: vni, peer: b.publicKey, generation: 2)
            let payload = Array("after the move".utf8)
            #expect(
                try await Self.deliver(payload, vni: vni, from: moved, to: b)
                    == TestClient.dataDatagram(vni: vni, payload: payload))
            #expect(
                try await Self.deliver(payload, vni: vni, from: b, to: moved)
                    == TestClient.dataDatagram(vni: vni, payload: payload))
            _ = a.socket.drain()
            // The old address is no longer bound: its data is dropped and it receives nothing.
            try await a.sendData(vni: vni, payload: [9])
            try await Task.sleep(for: .milliseconds(200))
            #expect(b.socket.drain().isEmpty)
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_dropped_packets_total", #"reason="unbound_source""#) >= 1)
        }
    }

    @Test func forwardsBetweenAnIPv4AndAnIPv6Client() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        settings.listenAddresses = ["127.0.0.1", "::1"]
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let addresses = relay.server.dataPlane.boundAddresses
            #expect(addresses.count == 2)
            let v6 = try #require(addresses.first { if case .v6 = $0 { true } else { false } })
            let a = try await TestClient(
                node: tailnet.node("four"), relay: relay.address, relayPublicKey: relay.relayPublicKey)
            let b = try await TestClient(
                node: tailnet.node("six"), relay: v6, relayPublicKey: relay.relayPublicKey, host: "::1")
            defer {
                Task {
                    await a.close(); await b.close()
                }
            }
            let vni = try await Self.establish(a, b)
            let payload = Array("across families".utf8)
            #expect(
                try await Self.deliver(payload, vni: vni, from: a, to: b)
                    == TestClient.dataDatagram(vni: vni, payload: payload))
            let back = try await Self.deliver(payload, vni: vni, from: b, to: a)
            #expect(back == TestClient.dataDatagram(vni: vni, payload: payload))
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_forwarded_packets_total", #"in="udp4",out="udp6""#) >= 1)
            #expect(metrics.value("relay_forwarded_packets_total", #"in="udp6",out="udp4""#) >= 1)
            let config = try await HTTPGet.get(port: relay.adminPort, path: "/debug/config")
            #expect(config.body.contains("[::1]:\(relay.server.port)"))
        }
    }
}
