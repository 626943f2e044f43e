import Fallback
import FallbackClient
import FallbackServer
import RelayClient
import RelayCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct QueueingTests {
    /// A client that stops reading loses its oldest packets (the freshest survive, in order); its sender is never
    /// held up and other clients keep exchanging meanwhile.
    @Test func aSlowReaderLosesItsOldestPacketsAndNothingElseStalls() async throws {
        let testbed = Testbed()
        let depth = 32
        let configuration = FallbackServerConfiguration(dataQueueDepth: depth, writeTimeout: .seconds(60))
        try await withFallbackServer(testbed, configuration: configuration) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let sender = testbed.identity("sender")
            let slow = testbed.identity("slow")
            let carol = testbed.identity("carol")
            let s = try await FallbackConnection.connect(to: endpoint, identity: sender)
            let c = try await FallbackConnection.connect(to: endpoint, identity: carol)
            let reader = try await offload {
                let socket = try RawFallbackSocket(port: port, receiveBuffer: 4096)
                try socket.admit(slow)
                return socket
            }
            // The slow node reads nothing while 6000 packets of 1 KiB are sent to it (more than the kernel's socket
            // buffers can absorb).
            let total = 6000
            for sequence in 0..<total {
                try s.send(
                    to: slow.publicKey,
                    payload: withUnsafeBytes(of: UInt32(sequence).bigEndian, Array.init)
                        + [UInt8](repeating: 0, count: 1020))
                if sequence % 100 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            // Meanwhile the sender and carol exchange without delay: each burst arrives before the next is sent.
            for burst in 0..<10 {
                async let atCarol = collectPackets(c.events, count: 10, timeout: .seconds(10))
                for index in 0..<10 { try s.send(to: carol.publicKey, payload: [UInt8(burst * 10 + index)]) }
                let got = await atCarol
                #expect(got.map { $0.payload.first ?? 255 } == (0..<10).map { UInt8(burst * 10 + $0) })
            }
            // Wait until every packet for the slow node is either queued, in flight or counted as dropped.
            for _ in 0..<200 where metric(server, #"fallback_packets_total{direction="in"}"#) < Double(total + 100) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let received = try await offload { () -> [UInt32] in
                var sequences: [UInt32] = []
                while sequences.last != UInt32(total - 1), let frame = try reader.nextFrame() {
                    if case .receive(_, let payload, _) = frame {
                        sequences.append(payload.prefix(4).reduce(0) { $0 << 8 | UInt32($1) })
                    }
                }
                return sequences
            }
            let dropped = Int(metric(server, #"fallback_drops_total{reason="queue_full"}"#))
            #expect(dropped > 0, "the slow reader never lost a packet: the test did not back it up")
            let slowDropped = Int(server.debugListing().nodes.first { $0.name == "slow" }?.dropped ?? 0)
            #expect(slowDropped == dropped, "only the slow reader lost packets")
            #expect(
                received.count + slowDropped + Int(s.locallyDropped) == total,
                "every packet is delivered or counted as dropped")
            #expect(received.last == UInt32(total - 1), "the freshest packet survives")
            #expect(received == received.sorted(), "survivors keep their order")
            // What was lost is older than what survived: the newest `depth` packets all arrived, in a row.
            #expect(Array(received.suffix(depth)) == Array(UInt32(total - depth)..<UInt32(total)))
            #expect(s.isActive && c.isActive)
            await s.close()
            await c.close()
        }
    }

    /// Over its budget a client is slowed (the server stops reading it), not cut off: everything arrives.
    @Test func theRateLimitSlowsASenderWithoutLosingItsPackets() async throws {
        let testbed = Testbed()
        // A deep queue: this test is about the sender's budget, not about the receiver's queue.
        let configuration = FallbackServerConfiguration(
            dataQueueDepth: 1024, rateLimit: RateLimit(perSecond: 200_000, burst: 70_000))
        try await withFallbackServer(testbed, configuration: configuration) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let alice = testbed.identity("alice")
            let bob = testbed.identity("bob")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob)
            #expect(a.accepted.rateBytesPerSecond == 200_000)
            let clock = ContinuousClock()
            let start = clock.now
            async let atBob = collectPackets(b.events, count: 200, timeout: .seconds(30))
            for index in 0..<200 {
                try a.send(
                    to: bob.publicKey, payload: [UInt8(truncatingIfNeeded: index)] + [UInt8](repeating: 0, count: 1999))
            }
            let received = await atBob
            let elapsed = clock.now - start
            #expect(received.count == 200)
            #expect(metric(server, "fallback_rate_limit_pauses_total") > 0)
            // 407 kB of frames less the 70 kB burst and the last read (≤ 64 KiB, forwarded before its debt is
            // repaid) at 200 kB/s take at least 1.35 s; a loaded machine can only make it slower.
            #expect(elapsed >= .milliseconds(1300))
            await a.close()
            await b.close()
        }
    }
}
