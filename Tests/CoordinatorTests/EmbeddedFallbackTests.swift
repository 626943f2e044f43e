import Coordinator
import CurlHTTP
import Fallback
import FallbackClient
import Foundation
import NIOCore
import PeerRelayTestSupport
import RelayClient
import RelayCore
import Tailnet
import Testing

/// The fallback relay embedded in the coordinator: same port, admission by the certificates the coordinator
/// issues, disconnection when the coordinator revokes, listing in netmaps and `/debug/fallback`.
@Suite(.timeLimit(.minutes(2))) struct EmbeddedFallbackTests {
    func register(_ admin: CoordinatorClient, key: String, name: String) async throws -> (RelayIdentity, String) {
        let privateKey = PrivateKey.generate()
        let response = try await admin.register(
            RegisterRequest(preAuthKey: key, publicKey: privateKey.publicKey.base64, name: name))
        let certificate = try TailnetCertificate(decoding: try #require(Sodium.decodeBase64(response.certificate)))
        return (try RelayIdentity(privateKey: privateKey, certificate: certificate), response.node.id)
    }

    @Test func nodesRelayThroughTheCoordinatorAndARemovedNodeIsDisconnected() async throws {
        let regional = FallbackRelay(region: "ap-south", url: "https://fb-ap.example.net/fallback")
        let tailnet = try await TestTailnet(policy: CoordinatorPolicy(fallbackRelays: [regional]))
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { baseURL, admin in
            let key = try #require(try await admin.createKey(PreAuthKeyRequest(reusable: true)).key)
            let (alice, aliceID) = try await register(admin, key: key, name: "alice")
            let (bob, _) = try await register(admin, key: key, name: "bob")
            let endpoint = try FallbackEndpoint(url: baseURL + "/fallback")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob)
            try a.send(to: bob.publicKey, payload: Array("through the coordinator".utf8))
            let packet = await nextPacket(b.events)
            #expect(packet == Array("through the coordinator".utf8))

            // `/debug/fallback` lists the connected nodes by certificate name, for admins only.
            let debug = try await HTTPClient().send(
                HTTPRequest(
                    url: baseURL + "/debug/fallback",
                    headers: HTTPHeaders([("Authorization", "Bearer \(tailnet.adminToken)")])))
            #expect(debug.status == 200)
            #expect(debug.bodyText.contains("\"alice\"") && debug.bodyText.contains("\"bob\""))
            let anonymous = try await HTTPClient().send(HTTPRequest(url: baseURL + "/debug/fallback"))
            #expect(anonymous.status == 401)

            // Removing a node revokes its certificate: its fallback connection ends with the reason.
            _ = try await admin.removeNode(id: aliceID)
            let ended = await disconnection(a.events)
            guard case .closedByServer(let notice)? = ended else {
                Issue.record("alice was not disconnected by the relay: \(String(describing: ended))")
                return
            }
            #expect(notice.reason == .revoked)
            #expect(b.isActive)
            do {
                _ = try await FallbackConnection.connect(to: endpoint, identity: alice)
                Issue.record("a removed node was admitted again")
            } catch let FallbackClientError.refused(refusal) {
                #expect(refusal.reason == .revoked)
            }
            await b.close()
        }
    }

    @Test func theNetmapListsTheFallbackRelays() async throws {
        let relays = [
            FallbackRelay(region: "default", url: "http://127.0.0.1:8480/fallback"),
            FallbackRelay(region: "ap-south", url: "https://fb-ap.example.net/fallback"),
        ]
        let tailnet = try await TestTailnet(policy: CoordinatorPolicy(fallbackRelays: relays))
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true))
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "n"))
            let netmap = try #require(try await admin.with(token: node.nodeToken).netmap())
            #expect(netmap.fallbackRelays == relays)
        }
    }

    func nextPacket(_ events: AsyncStream<FallbackEvent>) async -> [UInt8]? {
        await firstMatch(events, timeout: .seconds(15)) { event in
            if case .packet(_, let payload, _) = event { return Array(payload.readableBytesView) }
            return nil
        }
    }

    func disconnection(_ events: AsyncStream<FallbackEvent>) async -> FallbackClientError? {
        await firstMatch(events, timeout: .seconds(15)) { event in
            if case .disconnected(let error) = event { return error }
            return nil
        }
    }
}
