import Agent
import Foundation
import NIOCore
import NIOPosix
import RelayCore
import Testing

@testable import AgentRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Whether this host has IPv6 on loopback (::1).
enum IPv6Loopback {
    static var available: Bool {
        let fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }
}

/// The tailnet port has an IPv6 socket beside the IPv4 one, so direct paths to IPv6 candidates work: a WireGuard
/// packet from one agent's loopback socket reaches the other agent's WireGuard over [::1], and a plane without
/// IPv6 drops (and counts) what it cannot send.
@Suite(.enabled(if: IPv6Loopback.available, "needs IPv6 on loopback (::1)"), .timeLimit(.minutes(1)))
struct DataPlaneIPv6Tests {
    @Test func directWireGuardPacketsCrossIPv6() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let wireGuardA = try LoopbackUDP()
        let wireGuardB = try LoopbackUDP()
        let a = try await DataPlane.start(
            host: "0.0.0.0", port: 0, wireGuardPort: Int(wireGuardA.port), loop: group.next())
        let b = try await DataPlane.start(
            host: "0.0.0.0", port: 0, wireGuardPort: Int(wireGuardB.port), loop: group.next())
        let v4Only = try await DataPlane.start(
            host: "0.0.0.0", port: 0, wireGuardPort: Int(wireGuardA.port), ipv6: false, loop: group.next())
        do {
            #expect(a.hasIPv6 && b.hasIPv6)
            #expect(!v4Only.hasIPv6)
            let keyA = PrivateKey.generate().publicKey
            let keyB = PrivateKey.generate().publicKey
            let aForB = try #require(try await a.addPeer(keyB).port)
            let bForA = try #require(try await b.addPeer(keyA).port)
            let aSix = try SocketAddress(ipAddress: "::1", port: try #require(a.localAddress?.port))
            let bSix = try SocketAddress(ipAddress: "::1", port: try #require(b.localAddress?.port))
            a.setRoute(keyB, targets: [.direct(bSix)], directSources: [bSix], relaySessions: [])
            b.setRoute(keyA, targets: [.direct(aSix)], directSources: [aSix], relaySessions: [])
            // Routes are set on the planes' loop: one round trip there orders them before the first packet.
            _ = await a.dropCounts()
            _ = await b.dropCounts()

            for (from, to, port, expectedSource, marker) in [
                (wireGuardA, wireGuardB, aForB, bForA, UInt8(1)), (wireGuardB, wireGuardA, bForA, aForB, UInt8(2)),
            ] {
                let packet: [UInt8] = [4, 0, 0, 0, marker] + (0..<59).map { UInt8($0) }
                try from.send(packet, toPort: UInt16(port))
                let received = try #require(try await to.receive(timeout: .seconds(5)), "packet \(marker)")
                #expect(received.bytes == packet)
                #expect(received.sourcePort == UInt16(expectedSource))
            }
            let traffic = await a.poll().traffic[keyB]
            #expect(traffic?.bytesOut[.direct] == 64 && traffic?.bytesIn[.direct] == 64)

            // Without an IPv6 socket an IPv6 target is dropped and counted, never sent on the IPv4 socket.
            let port = try #require(try await v4Only.addPeer(keyB).port)
            v4Only.setRoute(keyB, targets: [.direct(bSix)], directSources: [], relaySessions: [])
            _ = await v4Only.dropCounts()
            try wireGuardA.send([4, 0, 0, 0] + [UInt8](repeating: 7, count: 60), toPort: UInt16(port))
            var drops: [String: UInt64] = [:]
            for _ in 0..<50 where drops["no_ipv6_socket"] == nil {
                try await Task.sleep(for: .milliseconds(20))
                drops = await v4Only.dropCounts()
            }
            #expect(drops["no_ipv6_socket"] == 1)
        } catch {
            await a.close()
            await b.close()
            await v4Only.close()
            try await group.shutdownGracefully()
            throw error
        }
        await a.close()
        await b.close()
        await v4Only.close()
        try await group.shutdownGracefully()
    }
}
