import CurlHTTP
import Foundation
import RelayCore
import Testing

@testable import Coordinator
@testable import Tailnet

@Suite(.timeLimit(.minutes(2))) struct CoordinatorAPITests {
    static func newKey() -> String {
        PrivateKey.generate().publicKey.base64
    }

    @Test func registerPublishAndReceiveNetmap() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            #expect(await admin.healthy())
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true, tags: ["tag:ci"]))
            let a = try await admin.register(
                RegisterRequest(
                    preAuthKey: key.key, publicKey: Self.newKey(), name: "a", endpoints: ["192.0.2.1:41641"]))
            let b = try await admin.register(RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "b"))
            let publisher = try await admin.createToken(TokenRequest(kind: "relay-publisher"))
            let relayClient = admin.with(token: publisher.token)
            let relayKey = Self.newKey()
            let relay = try await relayClient.publishRelay(
                RelayPublishRequest(
                    name: "edge", replica: 0, publicKey: relayKey, endpoints: ["127.0.0.1:7000"], tags: ["tag:relay"]))
            let nodeB = admin.with(token: b.nodeToken)
            let netmap = try #require(try await nodeB.netmap())
            #expect(netmap.selfNode.node.id == b.node.id)
            #expect(netmap.peers.map(\.id) == [a.node.id])
            #expect(netmap.peers.first?.endpoints == ["192.0.2.1:41641"])
            #expect(netmap.relays.map(\.publicKey) == [relayKey])
            #expect(netmap.relays.first?.certificate == relay.relay.certificate)
            #expect(netmap.fallbackRelays.isEmpty)
            #expect(netmap.caPublicKeys.count == 1)
            let relayCertificate = try CertificateVerifier(
                trustedCAs: netmap.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) },
                tailnetID: netmap.tailnetID
            ).verify(
                encoded: Array(try #require(Data(base64Encoded: relay.relay.certificate))), role: .relay,
                sealedBy: PublicKey(base64: relayKey), now: Timestamp(unixSeconds: tailnet.clock.now))
            #expect(relayCertificate.tags == ["tag:relay"])

            _ = try await admin.setGrants([Grant(src: ["tag:other"], dst: ["tag:relay"])])
            let filtered = try #require(try await nodeB.netmap(since: netmap.version))
            #expect(filtered.relays.isEmpty)
            #expect(filtered.version > netmap.version)
        }
    }

    @Test func longPollWakesOnChangeAndTimesOutWith304() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true))
            let a = try await admin.register(RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "a"))
            let node = admin.with(token: a.nodeToken)
            let first = try #require(try await node.netmap())
            #expect(try await node.netmap(since: first.version, timeout: 1) == nil)
            let ahead = try #require(try await node.netmap(since: first.version + 1000, timeout: 30))
            #expect(ahead.version == first.version)
            async let next = node.netmap(since: first.version, timeout: 30)
            try await Task.sleep(for: .milliseconds(300))
            let b = try await admin.register(RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "b"))
            let woken = try #require(try await next)
            #expect(woken.peers.map(\.id) == [b.node.id])
            try await node.updateEndpoints(["198.51.100.7:41641"])
            let nodeB = admin.with(token: b.nodeToken)
            let seenByB = try #require(try await nodeB.netmap(since: woken.version))
            #expect(seenByB.peers.first?.endpoints == ["198.51.100.7:41641"])
        }
    }

    @Test func refusedRequestsGetTheRightStatusAndChangeNothing() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { baseURL, admin in
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: false, expiresInSeconds: 60))
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "n"))
            let expiring = try await admin.createKey(PreAuthKeyRequest(reusable: true, expiresInSeconds: 60))
            let publisher = try await admin.createToken(TokenRequest(kind: "relay-publisher"))
            let before = try await tailnet.store.dump()

            let anonymous = try CoordinatorClient(baseURL: baseURL)
            let bogus = admin.with(token: "pradm_" + String(repeating: "0", count: 64))
            let nodeClient = admin.with(token: node.nodeToken)
            let publisherClient = admin.with(token: publisher.token)
            await expectAPIError(401) { try await anonymous.listNodes() }
            await expectAPIError(401) { try await bogus.listNodes() }
            await expectAPIError(401) { try await admin.with(token: "garbage").listKeys() }
            await expectAPIError(403) { try await nodeClient.listNodes() }
            await expectAPIError(403) { try await publisherClient.createKey(PreAuthKeyRequest()) }
            await expectAPIError(403) { try await admin.netmap() }
            await expectAPIError(401) { try await anonymous.revocations() }
            // Single-use key already used; unknown key; expired key.
            await expectAPIError(403) {
                try await anonymous.register(RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "x"))
            }
            await expectAPIError(401) {
                try await anonymous.register(
                    RegisterRequest(
                        preAuthKey: "prkey_" + String(repeating: "1", count: 64), publicKey: Self.newKey(), name: "x"))
            }
            tailnet.clock.advance(61)
            let expired = await expectAPIError(403) {
                try await anonymous.register(
                    RegisterRequest(preAuthKey: expiring.key, publicKey: Self.newKey(), name: "x"))
            }
            #expect(expired?.message.contains("expired") == true)
            // Malformed bodies: field-level messages.
            let fields = await expectAPIError(400) {
                try await anonymous.register(RegisterRequest(preAuthKey: nil, publicKey: "abc", name: "Bad Name"))
            }
            #expect(Set(fields?.fields?.keys.map { $0 } ?? []) == ["preAuthKey", "publicKey", "name"])
            let relayFields = await expectAPIError(400) {
                try await publisherClient.publishRelay(
                    RelayPublishRequest(
                        name: "r", replica: 70000, publicKey: Self.newKey(), endpoints: ["relay.example:7000"],
                        tags: ["relay"]))
            }
            #expect(Set(relayFields?.fields?.keys.map { $0 } ?? []) == ["replica", "endpoints", "tags"])
            await expectAPIError(400) { try await admin.createKey(PreAuthKeyRequest(expiresInSeconds: 0)) }
            await expectAPIError(400) { try await admin.setGrants([Grant(src: [], dst: ["nope"])]) }
            await expectAPIError(404) { try await admin.removeNode(id: "n0000000000000000") }
            for raw in [#"{"preAuthKey": 5}"#, "not json", "", #"[1,2]"#] {
                let response = try await admin.exchange("POST", "/v1/register", body: Array(raw.utf8))
                #expect(response.status == 400, "\(raw) → \(response.status)")
                let body = try JSONDecoder().decode(APIErrorBody.self, from: Data(response.body))
                #expect(body.error == "invalid_request")
            }
            let typed = try await admin.exchange("POST", "/v1/register", body: Array(#"{"preAuthKey": 5}"#.utf8))
            #expect(try JSONDecoder().decode(APIErrorBody.self, from: Data(typed.body)).fields?["preAuthKey"] != nil)
            let unauthorized = try await anonymous.exchange("GET", "/v1/nodes")
            #expect(unauthorized.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)

            #expect(try await tailnet.store.dump() == before)
        }
    }

    @Test func hundredParallelRegistrationsThroughTheAPI() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true))
            let responses = try await withThrowingTaskGroup(of: RegisterResponse.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await admin.register(
                            RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "p\(index)"))
                    }
                }
                return try await group.reduce(into: [RegisterResponse]()) { $0.append($1) }
            }
            #expect(Set(responses.map(\.node.address)).count == 100)
            #expect(Set(responses.map(\.node.name)).count == 100)
            let info = try await admin.tailnet()
            let verifier = CertificateVerifier(
                trustedCAs: info.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) }, tailnetID: info.id)
            for response in responses {
                let certificate = try verifier.verify(
                    encoded: Array(try #require(Data(base64Encoded: response.certificate))), role: .node,
                    sealedBy: PublicKey(base64: response.node.publicKey), now: Timestamp(unixSeconds: tailnet.clock.now)
                )
                #expect(certificate.subjectID == response.node.id)
            }
            #expect(try await admin.listNodes().count == 100)
        }
    }

    @Test func stateSurvivesAServerRestart() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let registered = try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true, tags: ["tag:keep"]))
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "keep"))
            _ = try await admin.removeNode(
                id: try await admin.register(
                    RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "gone")
                ).node.id)
            return node
        }
        let reopened = try tailnet.reopen()
        defer { try? reopened.close() }
        try await withRunningCoordinator(tailnet, store: reopened) { _, admin in
            let nodes = try await admin.listNodes()
            #expect(nodes.map(\.id) == [registered.node.id])
            #expect(nodes.first?.address == registered.node.address)
            let netmap = try #require(try await admin.with(token: registered.nodeToken).netmap())
            #expect(netmap.selfNode.node.tags == ["tag:keep"])
            #expect(netmap.revokedSerials.count == 1)
            #expect(try await admin.revocations().serials == netmap.revokedSerials)
        }
    }

    @Test func renewalIssuesANewCertificateBeforeExpiryOnly() async throws {
        let tailnet = try await TestTailnet(policy: CoordinatorPolicy(nodeCertificateLifetime: 3600))
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest())
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "r"))
            let client = admin.with(token: node.nodeToken)
            tailnet.clock.advance(1800)
            let renewed = try await client.renew()
            #expect(renewed.node.certificateSerial != node.node.certificateSerial)
            #expect(renewed.certificateExpiresAt == tailnet.clock.now + 3600)
            #expect(renewed.nodeToken == nil)
            tailnet.clock.advance(3601)
            await expectAPIError(403) { try await client.renew() }
        }
    }

    @Test func caRotationThroughTheAPIListsBothKeys() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest())
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "r"))
            let client = admin.with(token: node.nodeToken)
            let before = try #require(try await client.netmap())
            async let changed = client.netmap(since: before.version, timeout: 30)
            let rotated = try await admin.rotateCA(overlapSeconds: 600)
            let after = try #require(try await changed)
            #expect(after.caPublicKeys.map(\.keyID) == rotated.caPublicKeys.map(\.keyID))
            #expect(after.caPublicKeys.count == 2)
            #expect(after.selfNode.certificate != before.selfNode.certificate)
            #expect(try await admin.revocations().caPublicKeys.count == 2)
        }
    }
}
