import Agent
import Foundation
import NIOCore
import NIOPosix
import RelayCore
import Testing

@testable import AgentRuntime

/// UDP offload on the data path with real sockets on loopback: two planes A and B, each with a `LoopbackUDP` where
/// wireguard-go would listen. A burst from A's "WireGuard" leaves A as GSO trains (direct, or framed for a relay
/// session) and arrives at B's tailnet socket as GRO trains, which B hands to its "WireGuard" as GSO writes; the
/// kernel cuts those at the receiving socket, so every datagram must arrive whole and in order. The relay is stood
/// in for by B itself: B counts A's address and the VNI as the relay session, so B strips the framing exactly as for
/// a relay's train (relay-server's own train forwarding is tested in RelayServerTests).
@Suite(.timeLimit(.minutes(1))) struct DataPlaneOffloadTests {
    enum Path: String, CaseIterable, Sendable { case direct, relay }

    /// A valid WireGuard transport message (type 4) of `size` bytes whose content names its place in the burst.
    static func wireGuardPacket(_ index: Int, size: Int) -> [UInt8] {
        var packet: [UInt8] = [4, 0, 0, 0, UInt8(index & 0xFF), UInt8(index >> 8)]
        packet += (6..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        return packet
    }

    /// A datagram in a failure message: its length and the index it carries.
    static func describe(_ datagram: [UInt8]) -> String {
        datagram.count < 6
            ? "\(datagram)" : "\(datagram.count) bytes, index \(Int(datagram[4]) | Int(datagram[5]) << 8)"
    }

    @Test(arguments: Path.allCases, [true, false])
    func burstsArriveCompleteAndInOrder(path: Path, offload: Bool) async throws {
        let pair = try await PlanePair.start(path: path, offload: offload)
        do {
            // 60 equal-size datagrams (trains of the largest size), then sizes that change every few datagrams.
            var sizes = [Int](repeating: 1452, count: 60)
            for run in 0..<12 { sizes += [Int](repeating: [1452, 600, 148, 1000][run % 4], count: 1 + run % 5) }
            sizes += [1452, 1452, 1400, 1452, 32, 32, 1452]
            let packets = sizes.enumerated().map { Self.wireGuardPacket($0.offset, size: $0.element) }
            try await pair.burst(packets)

            for (index, packet) in packets.enumerated() {
                let received = try #require(
                    try await pair.wireGuardB.receive(timeout: .seconds(5)), "datagram \(index) of \(packets.count)")
                let same = received.bytes == packet
                #expect(same, "datagram \(index): \(Self.describe(received.bytes)), sent \(Self.describe(packet))")
                if !same { break }
            }
            #expect(try await pair.wireGuardB.receive(timeout: .milliseconds(200)) == nil, "nothing extra")

            let bytes = UInt64(sizes.reduce(0, +))
            let kind: PathKind = path == .direct ? .direct : .relay
            let sent = try #require(await pair.a.poll().traffic[pair.keyB])
            let received = try #require(await pair.b.poll().traffic[pair.keyA])
            #expect(sent.packetsOut[kind] == UInt64(packets.count) && sent.bytesOut[kind] == bytes)
            #expect(received.packetsIn[kind] == UInt64(packets.count) && received.bytesIn[kind] == bytes)
            let (dropsA, dropsB) = (await pair.a.dropCounts(), await pair.b.dropCounts())
            #expect(dropsA.isEmpty && dropsB.isEmpty, "\(dropsA) \(dropsB)")
            let (trainsSent, _) = await pair.a.offloadCounts()
            let (_, trainsReceived) = await pair.b.offloadCounts()
            if offload && System.supportsUDPSegmentationOffload {
                #expect(trainsSent > 0, "the burst left A as GSO trains")
                #expect(trainsReceived > 0, "trains arrived at B whole (GRO)")
            } else if !offload {
                #expect(trainsSent == 0 && trainsReceived == 0, "--no-udp-offload sends one datagram per write")
            }
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    /// A kernel that refuses GSO: the refusal itself is injected (the loopback device here accepts every GSO write;
    /// a real refusal needs a route without checksum offload or with a small MTU), through the same handler a failed
    /// GSO write's promise calls. GSO goes off on that socket kind, it is counted, and the next burst still arrives
    /// whole and in order, one datagram per write.
    @Test(.enabled(if: System.supportsUDPSegmentationOffload, "no UDP GSO in this kernel"))
    func aRefusedGSOWriteTurnsGSOOffAndTrafficContinues() async throws {
        let pair = try await PlanePair.start(path: .direct, offload: true)
        do {
            try await pair.a.loop.submit {
                pair.a.segmentedWriteFailed(
                    IOError(errnoCode: EIO, reason: "sendmmsg"), kind: .tailnet, segments: 30)
            }.get()
            let packets = (0..<50).map { Self.wireGuardPacket($0, size: 1452) }
            try await pair.burst(packets)
            for (index, packet) in packets.enumerated() {
                let received = try #require(
                    try await pair.wireGuardB.receive(timeout: .seconds(5)), "datagram \(index)")
                #expect(received.bytes == packet, "datagram \(index): \(Self.describe(received.bytes))")
            }
            #expect(await pair.a.dropCounts() == ["udp_gso_refused": 30, "udp_gso_disabled": 1])
            #expect(await pair.a.offloadCounts().sent == 0, "no GSO write after the refusal")
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    /// A peer's loopback socket that NIO closed (as after a fatal send error) is reopened on its port, so WireGuard's
    /// endpoint for the peer keeps working; counted.
    @Test func aClosedLoopbackSocketIsReopenedOnItsPort() async throws {
        let pair = try await PlanePair.start(path: .direct, offload: true)
        do {
            let channel = try #require(try await pair.a.loop.submit { pair.a.links[pair.keyB]?.channel }.get())
            try await channel.close()
            var drops: [String: UInt64] = [:]
            var reopened = false
            for _ in 0..<200 where !reopened {
                try await Task.sleep(for: .milliseconds(10))
                drops = await pair.a.dropCounts()
                reopened = try await pair.a.loop.submit { pair.a.links[pair.keyB]?.channel.isActive == true }.get()
            }
            #expect(drops["loopback_socket_reopened"] == 1, "\(drops)")
            #expect(reopened, "the loopback socket is open again")
            let packets = (0..<20).map { Self.wireGuardPacket($0, size: 1000) }
            try await pair.burst(packets)
            for (index, packet) in packets.enumerated() {
                let received = try #require(
                    try await pair.wireGuardB.receive(timeout: .seconds(5)), "datagram \(index)")
                #expect(received.bytes == packet, "datagram \(index): \(Self.describe(received.bytes))")
            }
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    /// A GRO train from a peer's address (sent as one GSO write from a plain socket): wireguard-go gets every
    /// datagram, whole and in order.
    @Test(.enabled(if: System.supportsUDPSegmentationOffload, "no UDP GSO in this kernel"))
    func aTrainFromAPeerIsDeliveredWhole() async throws {
        let (plane, group, wireGuard) = try await Self.startPlane()
        let peer = try LoopbackUDP()
        do {
            let port = try #require(plane.localAddress?.port)
            let source = try SocketAddress(ipAddress: "127.0.0.1", port: Int(peer.port))
            let key = PrivateKey.generate().publicKey
            _ = try await plane.addPeer(key)
            plane.setRoute(key, targets: [.direct(source)], directSources: [source], relaySessions: [])
            _ = await plane.dropCounts()

            let packets = (0..<40).map { Self.wireGuardPacket($0, size: 1200) } + [Self.wireGuardPacket(40, size: 77)]
            try peer.sendTrain(packets, toPort: UInt16(port))
            for (index, packet) in packets.enumerated() {
                let received = try #require(try await wireGuard.receive(timeout: .seconds(5)), "datagram \(index)")
                #expect(received.bytes == packet, "datagram \(index): \(Self.describe(received.bytes))")
            }
            #expect(try await wireGuard.receive(timeout: .milliseconds(200)) == nil, "nothing extra")
            let traffic = try #require(await plane.poll().traffic[key])
            #expect(traffic.packetsIn[.direct] == 41 && traffic.bytesIn[.direct] == 40 * 1200 + 77)
            #expect(await plane.offloadCounts().received == 1, "delivered as one train")
        } catch {
            await plane.close()
            try await group.shutdownGracefully()
            throw error
        }
        await plane.close()
        try await group.shutdownGracefully()
    }

    /// A train mixing WireGuard, STUN and an invalid datagram is cut into its datagrams and each handled as if it
    /// came alone: WireGuard to wireguard-go in order, STUN to the controller, the invalid one counted; a train of
    /// WireGuard from an unknown source is counted datagram by datagram.
    @Test(.enabled(if: System.supportsUDPSegmentationOffload, "no UDP GSO in this kernel"))
    func aMixedTrainIsSplitSafely() async throws {
        let (plane, group, wireGuard) = try await Self.startPlane()
        let peer = try LoopbackUDP()
        let stranger = try LoopbackUDP()
        do {
            let port = UInt16(try #require(plane.localAddress?.port))
            let source = try SocketAddress(ipAddress: "127.0.0.1", port: Int(peer.port))
            let key = PrivateKey.generate().publicKey
            _ = try await plane.addPeer(key)
            plane.setRoute(key, targets: [.direct(source)], directSources: [source], relaySessions: [])
            _ = await plane.dropCounts()

            var stun: [UInt8] = [0x00, 0x01, 0x00, 80, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 7, count: 12)
            stun += [UInt8](repeating: 0, count: 80)
            let invalid = [UInt8](repeating: 0x80, count: 100)
            let first = Self.wireGuardPacket(1, size: 100)
            let last = Self.wireGuardPacket(4, size: 60)
            try peer.sendTrain([first, stun, invalid, last], toPort: port)

            #expect(try await wireGuard.receive(timeout: .seconds(5))?.bytes == first)
            #expect(try await wireGuard.receive(timeout: .seconds(5))?.bytes == last)
            #expect(try await wireGuard.receive(timeout: .milliseconds(200)) == nil, "nothing extra")
            var control = plane.control.makeAsyncIterator()
            let toController = try #require(await control.next())
            #expect(toController.bytes == stun && toController.source == source)

            try stranger.sendTrain((0..<5).map { Self.wireGuardPacket($0, size: 200) }, toPort: port)
            var drops: [String: UInt64] = [:]
            for _ in 0..<100 where drops["wireguard_unknown_source"] != 5 {
                try await Task.sleep(for: .milliseconds(10))
                drops = await plane.dropCounts()
            }
            #expect(drops == ["bad_geneve_header": 1, "wireguard_unknown_source": 5])
            let traffic = try #require(await plane.poll().traffic[key])
            #expect(traffic.packetsIn[.direct] == 2 && traffic.bytesIn[.direct] == 160)
            #expect(await plane.offloadCounts().received == 0, "no mixed train delivered as a train")
            #expect(try await wireGuard.receive(timeout: .milliseconds(100)) == nil, "nothing from the stranger")
        } catch {
            await plane.close()
            try await group.shutdownGracefully()
            throw error
        }
        await plane.close()
        try await group.shutdownGracefully()
    }

    static func startPlane(offload: Bool = true) async throws -> (DataPlane, MultiThreadedEventLoopGroup, LoopbackUDP) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let wireGuard = try LoopbackUDP()
        do {
            let plane = try await DataPlane.start(
                host: "127.0.0.1", port: 0, wireGuardPort: Int(wireGuard.port), offload: offload, loop: group.next())
            return (plane, group, wireGuard)
        } catch {
            try await group.shutdownGracefully()
            throw error
        }
    }
}

/// Two planes on loopback that are each other's peer, over a direct path or a (stood-in) relay session.
struct PlanePair {
    let a: DataPlane
    let b: DataPlane
    let group: MultiThreadedEventLoopGroup
    let wireGuardA: LoopbackUDP
    let wireGuardB: LoopbackUDP
    let keyA = PrivateKey.generate().publicKey
    let keyB = PrivateKey.generate().publicKey
    /// A's loopback socket for B: where A's "WireGuard" sends B's packets.
    var loopbackAB: UInt16 = 0

    static func start(path: DataPlaneOffloadTests.Path, offload: Bool) async throws -> PlanePair {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (wireGuardA, wireGuardB) = (try LoopbackUDP(), try LoopbackUDP())
        let a = try await DataPlane.start(
            host: "127.0.0.1", port: 0, wireGuardPort: Int(wireGuardA.port), offload: offload, loop: group.next())
        let b = try await DataPlane.start(
            host: "127.0.0.1", port: 0, wireGuardPort: Int(wireGuardB.port), offload: offload, loop: group.next())
        var pair = PlanePair(a: a, b: b, group: group, wireGuardA: wireGuardA, wireGuardB: wireGuardB)
        let (addressA, addressB) = (a.localAddress!, b.localAddress!)
        pair.loopbackAB = UInt16(try await a.addPeer(pair.keyB).port!)
        _ = try await b.addPeer(pair.keyA)
        switch path {
        case .direct:
            a.setRoute(pair.keyB, targets: [.direct(addressB)], directSources: [addressB], relaySessions: [])
            b.setRoute(pair.keyA, targets: [.direct(addressA)], directSources: [addressA], relaySessions: [])
        case .relay:
            a.setRoute(
                pair.keyB, targets: [.relay(addressB, vni: 77)], directSources: [], relaySessions: [(addressB, 77)])
            b.setRoute(
                pair.keyA, targets: [.relay(addressA, vni: 77)], directSources: [], relaySessions: [(addressA, 77)])
        }
        _ = await a.dropCounts()  // orders the routes before the first packet
        _ = await b.dropCounts()
        return pair
    }

    /// Sends `packets` from A's "WireGuard" while A's event loop is held, so they wait in the socket and A reads
    /// them in as few batches as the kernel allows (the case trains are for).
    func burst(_ packets: [[UInt8]]) async throws {
        let held = a.loop.submit { Thread.sleep(forTimeInterval: 0.2) }
        try await Task.sleep(for: .milliseconds(20))
        for packet in packets { try wireGuardA.send(packet, toPort: loopbackAB) }
        try await held.get()
    }

    func stop() async {
        await a.close()
        await b.close()
        try? await group.shutdownGracefully()
    }
}
