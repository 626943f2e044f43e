import NIOCore
import RelayCore
import Testing

@testable import RelayServer

/// UDP GRO on receive and GSO on send, end to end on loopback: a client sends a GSO train (the kernel hands it to a
/// GRO socket intact), the relay forwards it, the peer (no GRO) receives every datagram verbatim. Each test runs on
/// both data planes (batched I/O, and NIO channels).
@Suite struct OffloadTests {
    static func train(vni: UInt32, count: Int, payloadSize: Int) -> (bytes: [UInt8], datagrams: [[UInt8]]) {
        var datagrams: [[UInt8]] = []
        for index in 0..<count {
            datagrams.append(
                TestClient.dataDatagram(vni: vni, payload: [UInt8](repeating: UInt8(index), count: payloadSize)))
        }
        return (datagrams.flatMap { $0 }, datagrams)
    }

    /// Sends `datagrams` from `client` to the relay as one GSO train (segment size: the first datagram's size).
    static func sendTrain(_ datagrams: [[UInt8]], from client: TestClient, to relay: TestRelay) async throws {
        let buffer = client.socket.channel.allocator.buffer(bytes: datagrams.flatMap { $0 })
        try await client.socket.channel.writeAndFlush(
            AddressedEnvelope(
                remoteAddress: relay.address, data: buffer,
                metadata: .init(ecnState: .transportNotCapable, packetInfo: nil, segmentSize: datagrams[0].count)))
    }

    @Test(arguments: [false, true], [true, false])
    func groTrainsAreForwardedDatagramByDatagram(gso: Bool, batchedIO: Bool) async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        settings.udpGRO = true
        settings.udpGSO = gso
        settings.batchedIO = batchedIO
        settings.readBatch = 4
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let clients = try await relay.clients("alice", "bob")
            let (a, b) = (clients[0], clients[1])
            defer {
                Task {
                    await a.close(); await b.close()
                }
            }
            let vni = try await ForwardingTests.establish(a, b)
            #expect(try await ForwardingTests.deliver([0], vni: vni, from: a, to: b) != nil)

            let (_, datagrams) = Self.train(vni: vni, count: 20, payloadSize: 1000)
            try await Self.sendTrain(datagrams, from: a, to: relay)
            var received: [[UInt8]] = []
            for _ in 0..<datagrams.count {
                guard let next = await b.socket.receive(timeout: .seconds(2)) else { break }
                received.append(next.bytes)
            }
            #expect(received == datagrams, "every datagram of the train arrives, in order and unchanged")
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_received_gro_trains_total", #"transport="udp4""#) >= 1)
            #expect(metrics.value("relay_forwarded_packets_total", #"in="udp4",out="udp4""#) >= 21)
        }
    }

    @Test(arguments: [true, false])
    func aTrainMixingSessionsIsSplitNotDropped(batchedIO: Bool) async throws {
        // One client in two sessions sends one train alternating between them: every datagram reaches its peer.
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        settings.udpGRO = true
        settings.udpGSO = true
        settings.batchedIO = batchedIO
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let clients = try await relay.clients("alice", "bob", "carol")
            let (a, b, c) = (clients[0], clients[1], clients[2])
            defer {
                Task {
                    await a.close(); await b.close(); await c.close()
                }
            }
            let toB = try await ForwardingTests.establish(a, b)
            let toC = try await ForwardingTests.establish(a, c)
            #expect(try await ForwardingTests.deliver([0], vni: toB, from: a, to: b) != nil)
            #expect(try await ForwardingTests.deliver([0], vni: toC, from: a, to: c) != nil)

            var datagrams: [[UInt8]] = []
            for index in 0..<16 {
                let payload = [UInt8](repeating: UInt8(index), count: 600)
                datagrams.append(TestClient.dataDatagram(vni: index % 2 == 0 ? toB : toC, payload: payload))
            }
            try await Self.sendTrain(datagrams, from: a, to: relay)
            var atB: [[UInt8]] = []
            var atC: [[UInt8]] = []
            for _ in 0..<8 {
                if let next = await b.socket.receive(timeout: .seconds(2)) { atB.append(next.bytes) }
                if let next = await c.socket.receive(timeout: .seconds(2)) { atC.append(next.bytes) }
            }
            #expect(atB == datagrams.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            #expect(atC == datagrams.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        }
    }

    @Test func mixedTrainsAreSplitIntoSegments() async throws {
        // A train whose segments belong to different handling (data and garbage) is handled segment by segment.
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeBytes(TestClient.dataDatagram(vni: 5, payload: [1, 2]))
        buffer.writeBytes(TestClient.dataDatagram(vni: 6, payload: [3, 4]))
        #expect(RelayDatagramHandler.commonDataVNI(buffer, segmentSize: 10) == nil)
        var same = ByteBufferAllocator().buffer(capacity: 64)
        same.writeBytes(TestClient.dataDatagram(vni: 5, payload: [1, 2]))
        same.writeBytes(TestClient.dataDatagram(vni: 5, payload: [3]))
        #expect(RelayDatagramHandler.commonDataVNI(same, segmentSize: 10) == 5)
        var broken = ByteBufferAllocator().buffer(capacity: 64)
        broken.writeBytes(TestClient.dataDatagram(vni: 5, payload: [1, 2]))
        broken.writeBytes([1, 2, 3])
        #expect(RelayDatagramHandler.commonDataVNI(broken, segmentSize: 10) == nil)
        #if os(Linux)
            for (train, expected) in [(buffer, nil), (same, UInt32(5)), (broken, nil)] {
                let found = train.withUnsafeReadableBytes { BatchedForwarder.commonDataVNI($0, segmentSize: 10) }
                #expect(found == expected)
            }
        #endif
    }
}
