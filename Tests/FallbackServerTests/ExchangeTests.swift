import Fallback
import FallbackClient
import FallbackServer
import PeerRelayTestSupport
import RelayClient
import RelayCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct ExchangeTests {
    static let combinations: [(FallbackTransport, Bool)] = [
        (.upgrade, false), (.upgrade, true), (.websocket, false), (.websocket, true),
    ]

    @Test(arguments: combinations)
    func twoClientsExchangePacketsBothWays(transport: FallbackTransport, useTLS: Bool) async throws {
        let testbed = Testbed()
        let tls = useTLS ? try LoopbackTLSCertificate() : nil
        defer { tls?.remove() }
        try await withFallbackServer(testbed, tls: tls) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: useTLS, transport: transport)
            let configuration = try tls?.clientConfiguration ?? FallbackClientConfiguration()
            let alice = testbed.identity("alice")
            let bob = testbed.identity("bob")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice, configuration: configuration)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob, configuration: configuration)
            let count = 50
            async let toBob = collectPackets(b.events, count: count)
            async let toAlice = collectPackets(a.events, count: count)
            for index in 0..<count {
                try a.send(
                    to: bob.publicKey, payload: Array("a\(index)".utf8) + [UInt8](repeating: 1, count: index * 100))
                try b.send(to: alice.publicKey, payload: Array("b\(index)".utf8), control: index % 2 == 0)
            }
            let atBob = await toBob
            let atAlice = await toAlice
            #expect(atBob.count == count)
            #expect(atAlice.count == count)
            #expect(atBob.allSatisfy { $0.source == alice.publicKey && !$0.control })
            #expect(atAlice.allSatisfy { $0.source == bob.publicKey })
            // Data stays in order; every packet arrived intact.
            #expect(
                atBob.enumerated().allSatisfy { index, packet in
                    packet.payload == Array("a\(index)".utf8) + [UInt8](repeating: 1, count: index * 100)
                })
            #expect(
                Set(atAlice.map { String(decoding: $0.payload, as: UTF8.self) }) == Set((0..<count).map { "b\($0)" }))
            #expect(atAlice.filter(\.control).count == count / 2)
            #expect(metric(server, #"fallback_packets_total{direction="in"}"#) == Double(2 * count))
            #expect(metric(server, #"fallback_packets_total{direction="out"}"#) == Double(2 * count))
            #expect(metric(server, "fallback_clients") == 2)
            let listing = server.debugListing()
            #expect(listing.nodes.map(\.name) == ["alice", "bob"])
            #expect(listing.nodes.allSatisfy { $0.transport == transport.rawValue })
            await a.close()
            await b.close()
        }
    }

    /// A node whose connect returned (it received Accepted) is reachable at once: a packet sent to it right then is
    /// delivered, never answered with PeerGone (the server registers the key before it sends Accepted).
    @Test func aNodeIsReachableAsSoonAsItsConnectReturns() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let sender = try await FallbackConnection.connect(to: endpoint, identity: testbed.identity("sender"))
            for round in 0..<20 {
                let newcomer = testbed.identity("newcomer-\(round)")
                let connection = try await FallbackConnection.connect(to: endpoint, identity: newcomer)
                try sender.send(to: newcomer.publicKey, payload: [UInt8(round)])
                let got = await collectPackets(connection.events, count: 1, timeout: .seconds(10))
                #expect(got.map(\.payload) == [[UInt8(round)]], "round \(round)")
                await connection.close()
            }
            #expect(metric(server, #"fallback_drops_total{reason="no_peer"}"#) == 0)
            await sender.close()
        }
    }

    @Test func oversizedPacketsAreRefusedByTheClientAndMaximumSizePacketsPass() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { _, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let alice = testbed.identity("alice")
            let bob = testbed.identity("bob")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob)
            #expect(throws: FallbackClientError.packetTooLarge(FrameLimits.maximumPacket + 1)) {
                try a.send(to: bob.publicKey, payload: [UInt8](repeating: 0, count: FrameLimits.maximumPacket + 1))
            }
            let big = (0..<FrameLimits.maximumPacket).map { UInt8(truncatingIfNeeded: $0) }
            try a.send(to: bob.publicKey, payload: big)
            let received = await collectPackets(b.events, count: 1)
            #expect(received.first?.payload == big)
            await a.close()
            await b.close()
        }
    }

    @Test func absentPeersAreReportedGoneAndWatchersSeeArrivalsAndDepartures() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { _, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            var watching = FallbackClientConfiguration()
            watching.watchPeers = true
            let watcher = try await FallbackConnection.connect(
                to: endpoint, identity: testbed.identity("watcher"), configuration: watching)
            let alice = testbed.identity("alice")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let arrived = await firstMatch(watcher.events) { event in
                if case .peerPresent(let key) = event { return key }
                return nil
            }
            #expect(arrived == alice.publicKey)
            let absent = PrivateKey.generate().publicKey
            try a.send(to: absent, payload: [1])
            let gone = await firstMatch(a.events) { event -> PeerGoneReason? in
                if case .peerGone(let key, let reason) = event, key == absent { return reason }
                return nil
            }
            #expect(gone == .notHere)
            await a.close()
            let left = await firstMatch(watcher.events) { event -> PublicKey? in
                if case .peerGone(let key, .disconnected) = event { return key }
                return nil
            }
            #expect(left == alice.publicKey)
            await watcher.close()
        }
    }
}
