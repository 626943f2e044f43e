import Agent
import Coordinator
import CurlHTTP
import FallbackServer
import Foundation
import RelayCore
import Tailnet
import Testing

@testable import AgentRuntime

/// Two agents whose only path is the fallback relay (embedded in a real coordinator on loopback): sealed probes
/// make it each side's active path, WireGuard packets cross it both ways from the per-peer loopback sockets, and the
/// agent's own renewal (10 s certificates here) stores each new certificate and re-admits the fallback connection
/// with it, before the old one expires.
@Suite(.timeLimit(.minutes(2))) struct FallbackPathTests {
    /// Node certificate lifetime in seconds: short enough to renew within the test, long enough for a loaded machine
    /// to set up the paths first.
    static let lifetime: Int64 = 10

    @Test func twoAgentsTalkThroughTheFallbackRelayAndReconnectWithARenewedCertificate() async throws {
        try await withRunningCoordinator(policy: CoordinatorPolicy(nodeCertificateLifetime: Self.lifetime)) {
            baseURL, admin, directory in
            let key = try #require(try await admin.createKey(PreAuthKeyRequest(reusable: true)).key)
            let a = try await AgentNode.start(baseURL: baseURL, preAuthKey: key, directory: directory, name: "a")
            let b = try await AgentNode.start(baseURL: baseURL, preAuthKey: key, directory: directory, name: "b")
            do {
                try await a.applyNetmap()
                try await b.applyNetmap()
                try await exercise(a, b, baseURL: baseURL, admin: admin)
            } catch {
                await a.stop()
                await b.stop()
                throw error
            }
            await a.stop()
            await b.stop()
        }
    }

    func exercise(_ a: AgentNode, _ b: AgentNode, baseURL: String, admin: CoordinatorClient) async throws {
        // Sealed Ping/Pong through the fallback relay: each side uses it, with a measured RTT.
        for (node, peer) in [(a, "b"), (b, "a")] {
            let report = try #require(
                await eventually { () -> PeerPathReport? in
                    let path = await node.controller.status().peers.first { $0.name == peer }?.path
                    return path?.active == "fallback default" ? path : nil
                }, "\(peer) is reached through the fallback relay")
            #expect(report.rttMilliseconds != nil)
            #expect(await node.controller.status().fallbackConnected)
        }

        // A WireGuard transport packet, from "wireguard-go" to the agent's loopback socket for the peer, arrives at
        // the peer's "wireguard-go" from the peer agent's loopback socket for this node (so WireGuard's endpoint
        // for the sender matches), unchanged; and back.
        try await expectDelivery(from: a, to: b, marker: 1)
        try await expectDelivery(from: b, to: a, marker: 2)

        // Renewal (at about 2/3 of the lifetime): the agent stores the new certificate, and the fallback relay
        // re-admits the node with it; the renewal was asked for while the first one was still valid.
        let first = try TailnetCertificate(decoding: a.identity.certificateBytes)
        let admitted = await eventually { () -> FallbackDebugListing.Node? in
            let listing = try? await fallbackListing(baseURL: baseURL, token: admin.token ?? "")
            return listing?.nodes.first { $0.name == "a" && $0.serial != first.serial }
        }
        let renewed = try #require(admitted, "the fallback relay admitted a with a renewed certificate")
        let renewedAt = renewed.certificateNotAfter - Self.lifetime
        #expect(renewedAt <= first.notAfter, "renewed before the first certificate expired")
        #expect(renewed.serial > first.serial && renewed.certificateNotAfter > first.notAfter)
        #expect(try await a.storedSerial() >= renewed.serial, "node.json holds the renewed certificate")
        try await expectDelivery(from: a, to: b, marker: 3)
    }

    func expectDelivery(from sender: AgentNode, to receiver: AgentNode, marker: UInt8) async throws {
        let packet: [UInt8] = [4, 0, 0, 0, marker] + (0..<59).map { UInt8($0) }
        let port = try #require(await sender.loopbackPort(for: receiver))
        let expectedSource = try #require(await receiver.loopbackPort(for: sender))
        // The first packet after a reconnect may race the fallback client's admission: send a few, bounded.
        for _ in 0..<20 {
            try sender.wireGuard.send(packet, toPort: port)
            if let received = try await receiver.wireGuard.receive(timeout: .milliseconds(250)) {
                #expect(received.bytes == packet)
                #expect(received.sourcePort == expectedSource)
                return
            }
        }
        Issue.record("packet \(marker) never arrived through the fallback relay")
    }

    func fallbackListing(baseURL: String, token: String) async throws -> FallbackDebugListing {
        let response = try await HTTPClient().send(
            HTTPRequest(
                url: baseURL + "/debug/fallback", headers: HTTPHeaders([("Authorization", "Bearer \(token)")])))
        return try JSONDecoder().decode(FallbackDebugListing.self, from: Data(response.bodyText.utf8))
    }

    /// Polls `probe` every 100 ms for up to 10 s; its first non-nil value.
    func eventually<T: Sendable>(_ probe: () async -> T?) async -> T? {
        for _ in 0..<200 {
            if let value = await probe() { return value }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
