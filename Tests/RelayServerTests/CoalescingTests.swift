import NIOCore
import RelayCore
import Testing

@testable import RelayServer

#if os(Linux)
    import Glibc
#endif

/// Send-side coalescing on the batched data plane, end to end on loopback: plain datagrams that reach the relay
/// together leave as GSO writes, and every peer still receives exactly the datagrams sent to it, in order. The relay
/// reads without GRO (so the client's bursts arrive as plain datagrams, as from old WireGuard); the peers read with
/// GRO, so a coalesced write shows up as a train and the tests can tell that coalescing happened.
@Suite struct CoalescingTests {
    /// A data datagram whose payload starts with its index (two bytes) and is `size` bytes long in all.
    static func datagram(vni: UInt32, index: Int, size: Int) -> [UInt8] {
        let header = TestClient.dataDatagram(vni: vni, payload: []).count
        var payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index &* 31), count: size - header)
        payload[0] = UInt8(index >> 8)
        payload[1] = UInt8(index & 0xFF)
        return TestClient.dataDatagram(vni: vni, payload: payload)
    }

    /// "index/length" of each datagram made by ``datagram(vni:index:size:)``: what a failure prints.
    static func summary(_ datagrams: [[UInt8]]) -> [String] {
        datagrams.map { $0.count >= 10 ? "\(Int($0[8]) << 8 | Int($0[9]))/\($0.count)" : "short/\($0.count)" }
    }

    static func settings(_ tailnet: TestTailnet, gso: Bool) -> RelaySettings {
        var settings = TestRelay.settings(tailnet)
        settings.batchedIO = true
        settings.udpGRO = false
        settings.udpGSO = gso
        return settings
    }

    /// Waits (bounded) until the relay has counted `expected` datagrams forwarded udp4 → udp4; returns the count.
    static func forwarded(_ relay: TestRelay, reaching expected: Double) async throws -> Double {
        var value = 0.0
        for _ in 0..<50 {
            value = try await relay.scrape().value("relay_forwarded_packets_total", #"in="udp4",out="udp4""#)
            if value >= expected { break }
            try await Task.sleep(for: .milliseconds(40))
        }
        return value
    }

    @Test(arguments: [true, false])
    func aBurstOfOneSessionArrivesCompleteAndInOrder(gso: Bool) async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet, settings: Self.settings(tailnet, gso: gso)) { relay in
            let a = try await TestClient(
                node: tailnet.node("alice"), relay: relay.address,
                relayPublicKey: relay.relayPublicKey)
            let b = try await TestClient(
                node: tailnet.node("bob"), relay: relay.address,
                relayPublicKey: relay.relayPublicKey, receiveOffload: true)
            defer {
                Task {
                    await a.close(); await b.close()
                }
            }
            let vni = try await ForwardingTests.establish(a, b)
            #expect(try await ForwardingTests.deliver([0], vni: vni, from: a, to: b) != nil)
            let before = try await relay.scrape().value("relay_forwarded_packets_total", #"in="udp4",out="udp4""#)

            // Four bursts of 40 equal datagrams, each sent as one GSO write: the relay's socket (no GRO) gets them
            // as 40 plain datagrams queued at once, which it reads in batches.
            var sent: [[UInt8]] = []
            var received: [[UInt8]] = []
            var trains = 0
            for burst in 0..<4 {
                let datagrams = (0..<40).map { Self.datagram(vni: vni, index: burst * 40 + $0, size: 1000) }
                sent += datagrams
                try await OffloadTests.sendTrain(datagrams, from: a, to: relay)
                let arrived = await b.socket.receiveDatagrams(datagrams.count)
                received += arrived.datagrams
                trains += arrived.trains
            }
            #expect(Self.summary(received) == Self.summary(sent), "every datagram arrives once, in order")
            let unchanged = received == sent
            #expect(unchanged, "every datagram arrives unchanged")
            #if os(Linux)
                if gso {
                    #expect(trains >= 1, "some datagrams left the relay coalesced into one GSO write")
                } else {
                    #expect(trains == 0, "--no-udp-gso sends datagram by datagram")
                }
            #endif
            let expected = before + Double(sent.count)
            #expect(try await Self.forwarded(relay, reaching: expected) == expected, "counted per datagram")
        }
    }

    @Test(arguments: [true, false])
    func aBurstForTwoDestinationsWithMixedSizesKeepsEachDestinationsOrder(gso: Bool) async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet, settings: Self.settings(tailnet, gso: gso)) { relay in
            let a = try await TestClient(
                node: tailnet.node("alice"), relay: relay.address,
                relayPublicKey: relay.relayPublicKey)
            let b = try await TestClient(
                node: tailnet.node("bob"), relay: relay.address,
                relayPublicKey: relay.relayPublicKey, receiveOffload: true)
            let c = try await TestClient(
                node: tailnet.node("carol"), relay: relay.address,
                relayPublicKey: relay.relayPublicKey, receiveOffload: true)
            defer {
                Task {
                    await a.close(); await b.close(); await c.close()
                }
            }
            let toB = try await ForwardingTests.establish(a, b)
            let toC = try await ForwardingTests.establish(a, c)
            #expect(try await ForwardingTests.deliver([0], vni: toB, from: a, to: b) != nil)
            #expect(try await ForwardingTests.deliver([0], vni: toC, from: a, to: c) != nil)
            let before = try await relay.scrape().value("relay_forwarded_packets_total", #"in="udp4",out="udp4""#)

            // Runs that change destination, change size, end in a shorter datagram, or are a single datagram;
            // written back to back and flushed once (one sendmmsg from the client).
            let pattern: [(toB: Bool, size: Int, count: Int)] = [
                (true, 600, 10), (false, 600, 5), (true, 600, 3), (true, 200, 2), (false, 900, 7), (true, 64, 1),
                (false, 900, 1), (false, 300, 4), (true, 1200, 12), (true, 700, 1), (false, 1200, 3),
            ]
            var toBSent: [[UInt8]] = []
            var toCSent: [[UInt8]] = []
            var index = 0
            for _ in 0..<2 {
                for run in pattern {
                    for _ in 0..<run.count {
                        let datagram = Self.datagram(vni: run.toB ? toB : toC, index: index, size: run.size)
                        index += 1
                        if run.toB { toBSent.append(datagram) } else { toCSent.append(datagram) }
                        a.socket.channel.write(
                            AddressedEnvelope(
                                remoteAddress: relay.address,
                                data: a.socket.channel.allocator.buffer(
                                    bytes: datagram)),
                            promise: nil)
                    }
                }
            }
            a.socket.channel.flush()
            let atB = await b.socket.receiveDatagrams(toBSent.count)
            let atC = await c.socket.receiveDatagrams(toCSent.count)
            #expect(Self.summary(atB.datagrams) == Self.summary(toBSent), "bob receives his datagrams once, in order")
            #expect(Self.summary(atC.datagrams) == Self.summary(toCSent), "carol receives hers once, in order")
            let unchanged = atB.datagrams == toBSent && atC.datagrams == toCSent
            #expect(unchanged, "every datagram arrives unchanged")
            #if os(Linux)
                if !gso { #expect(atB.trains + atC.trains == 0, "--no-udp-gso sends datagram by datagram") }
            #endif
            let expected = before + Double(index)
            #expect(try await Self.forwarded(relay, reaching: expected) == expected, "counted per datagram")
        }
    }

    #if os(Linux)
        /// SO_NO_CHECK on the relay's sockets makes the kernel refuse every GSO write there (EINVAL) while plain
        /// datagrams still leave: the real refusal, on the real sockets.
        static func refuseGSO(_ relay: TestRelay, _ refuse: Bool) throws {
            var value: Int32 = refuse ? 1 : 0
            for socket in try #require(relay.server.dataPlane.batched).sockets.joined() {
                try #require(
                    setsockopt(socket.fd, SOL_SOCKET, SO_NO_CHECK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0)
            }
        }

        /// Waits (bounded) until `name` reaches `expected`; returns its value.
        static func metric(_ relay: TestRelay, _ name: String, reaching expected: Double) async throws -> Double {
            var value = 0.0
            for _ in 0..<50 {
                value = try await relay.scrape().value(name)
                if value >= expected { break }
                try await Task.sleep(for: .milliseconds(40))
            }
            return value
        }

        @Test func afterARefusedGSOWriteNothingIsLostAndGSOIsUsedAgainOnceTheHoldPeriodIsOver() async throws {
            let tailnet = try TestTailnet()
            defer { tailnet.remove() }
            let hold = Duration.seconds(1)
            try await TestRelay.with(tailnet, settings: Self.settings(tailnet, gso: true), gsoRefusalHold: hold) {
                relay in
                let a = try await TestClient(
                    node: tailnet.node("alice"), relay: relay.address,
                    relayPublicKey: relay.relayPublicKey)
                let b = try await TestClient(
                    node: tailnet.node("bob"), relay: relay.address,
                    relayPublicKey: relay.relayPublicKey, receiveOffload: true)
                defer {
                    Task {
                        await a.close(); await b.close()
                    }
                }
                let vni = try await ForwardingTests.establish(a, b)
                #expect(try await ForwardingTests.deliver([0], vni: vni, from: a, to: b) != nil)

                // Refused: every burst still arrives whole and in order, datagram by datagram.
                try Self.refuseGSO(relay, true)
                var sent: [[UInt8]] = []
                var received: [[UInt8]] = []
                var trains = 0
                for burst in 0..<2 {
                    let datagrams = (0..<40).map { Self.datagram(vni: vni, index: burst * 40 + $0, size: 1000) }
                    sent += datagrams
                    try await OffloadTests.sendTrain(datagrams, from: a, to: relay)
                    let arrived = await b.socket.receiveDatagrams(datagrams.count)
                    received += arrived.datagrams
                    trains += arrived.trains
                }
                #expect(Self.summary(received) == Self.summary(sent), "every datagram arrives once, in order")
                #expect(received == sent, "every datagram arrives unchanged")
                #expect(trains == 0, "nothing left the relay as a GSO write")
                #expect(try await Self.metric(relay, "relay_gso_refused_writes_total", reaching: 1) >= 1)
                #expect(try await Self.metric(relay, "relay_gso_fallback_datagrams_total", reaching: 2) >= 2)

                // The path takes GSO again; once the hold period is over the relay coalesces again.
                try Self.refuseGSO(relay, false)
                try await Task.sleep(for: hold + .milliseconds(200))
                let refusedBefore = try await relay.scrape().value("relay_gso_refused_writes_total")
                sent = (0..<40).map { Self.datagram(vni: vni, index: 80 + $0, size: 1000) }
                try await OffloadTests.sendTrain(sent, from: a, to: relay)
                let arrived = await b.socket.receiveDatagrams(sent.count)
                #expect(Self.summary(arrived.datagrams) == Self.summary(sent), "every datagram arrives once, in order")
                #expect(arrived.datagrams == sent, "every datagram arrives unchanged")
                #expect(arrived.trains >= 1, "GSO is used again after the hold period")
                #expect(try await relay.scrape().value("relay_gso_refused_writes_total") == refusedBefore)
            }
        }
    #endif
}
