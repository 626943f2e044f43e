import Foundation
import RelayCore
import Tailnet
import Testing

@testable import Coordinator

@Suite struct CoordinatorStoreTests {
    static func newKey() -> String {
        PrivateKey.generate().publicKey.base64
    }

    static func verifier(_ info: TailnetInfo, revoked: [UInt64] = []) -> CertificateVerifier {
        CertificateVerifier(
            trustedCAs: info.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) }, tailnetID: info.id,
            revokedSerials: Set(revoked))
    }

    static func certificate(_ base64: String) throws -> [UInt8] {
        try #require(Data(base64Encoded: base64).map(Array.init))
    }

    @Test func registrationIssuesAVerifiableNodeCertificate() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(tags: ["tag:ci"]))
        let publicKey = Self.newKey()
        let result = try await tailnet.store.register(
            RegisterRequest(preAuthKey: key.key, publicKey: publicKey, name: "builder"))
        #expect(result.node.address == "100.64.0.1")
        #expect(result.node.tags == ["tag:ci"])
        let info = try await tailnet.store.tailnetInfo()
        let certificate = try Self.verifier(info).verify(
            encoded: result.certificate, role: .node, sealedBy: PublicKey(base64: publicKey),
            now: Timestamp(unixSeconds: tailnet.clock.now))
        #expect(certificate.subjectID == result.node.id)
        #expect(certificate.subjectName == "builder")
        #expect(certificate.tags == ["tag:ci"])
        #expect(certificate.serial == result.node.certificateSerial)
    }

    @Test func singleUseKeyRegistersOnceAndNamesStayUnique() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let single = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest())
        _ = try await tailnet.store.register(
            RegisterRequest(preAuthKey: single.key, publicKey: Self.newKey(), name: "a"))
        let before = try await tailnet.store.dump()
        await #expect(throws: CoordinatorError.self) {
            try await tailnet.store.register(
                RegisterRequest(preAuthKey: single.key, publicKey: Self.newKey(), name: "b"))
        }
        #expect(try await tailnet.store.dump() == before)
        let reusable = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true))
        let second = try await tailnet.store.register(
            RegisterRequest(preAuthKey: reusable.key, publicKey: Self.newKey(), name: "a"))
        #expect(second.node.name == "a-1")
        #expect(second.node.address == "100.64.0.2")
    }

    @Test func expiredAndRevokedKeysAreRefusedWithoutWriting() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true, expiresInSeconds: 60))
        tailnet.clock.advance(61)
        let before = try await tailnet.store.dump()
        do {
            _ = try await tailnet.store.register(
                RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "x"))
            Issue.record("an expired key registered a node")
        } catch let error as CoordinatorError {
            guard case .forbidden = error else { throw error }
        }
        let revoked = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true))
        try await tailnet.store.revokePreAuthKey(id: revoked.id)
        let afterRevoke = try await tailnet.store.dump()
        #expect(afterRevoke != before)  // the revocation itself was written
        do {
            _ = try await tailnet.store.register(
                RegisterRequest(preAuthKey: revoked.key, publicKey: Self.newKey(), name: "x"))
            Issue.record("a revoked key registered a node")
        } catch let error as CoordinatorError {
            guard case .unauthorized = error else { throw error }
        }
        #expect(try await tailnet.store.dump() == afterRevoke)
    }

    @Test func removingANodeRevokesItsCertificate() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true))
        let node = try await tailnet.store.register(
            RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "n"))
        let removal = try await tailnet.store.removeNode(id: node.node.id)
        #expect(removal.revoked == [node.node.certificateSerial])
        let list = try await tailnet.store.revocationList()
        #expect(list.serials == [node.node.certificateSerial])
        #expect(list.version == removal.version)
        let verifier = Self.verifier(try await tailnet.store.tailnetInfo(), revoked: list.serials)
        #expect(throws: CertificateError.self) {
            try verifier.verify(
                encoded: node.certificate, role: .node, sealedBy: nil, now: Timestamp(unixSeconds: tailnet.clock.now))
        }
        await #expect(throws: CoordinatorError.self) { try await tailnet.store.authenticate(node.nodeToken ?? "") }
    }

    @Test func relayPublishIssuesRelayCertificateAndRepublishKeepsIt() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = Self.newKey()
        let request = RelayPublishRequest(
            name: "edge", replica: 1, publicKey: key, endpoints: ["192.0.2.1:7000", "[2001:db8::1]:7000"],
            tags: ["tag:relay"], labels: ["namespace": "net"])
        let first = try await tailnet.store.publishRelay(request)
        let certificate = try Self.verifier(try await tailnet.store.tailnetInfo()).verify(
            encoded: try Self.certificate(first.relay.certificate), role: .relay, sealedBy: PublicKey(base64: key),
            now: Timestamp(unixSeconds: tailnet.clock.now))
        #expect(certificate.subjectName == "edge-1")
        let again = try await tailnet.store.publishRelay(request)
        #expect(again.relay.id == first.relay.id)
        #expect(again.relay.certificateSerial == first.relay.certificateSerial)
        var moved = request
        moved.publicKey = Self.newKey()
        let rekeyed = try await tailnet.store.publishRelay(moved)
        #expect(rekeyed.relay.certificateSerial != first.relay.certificateSerial)
        #expect(try await tailnet.store.revocationList().serials == [first.relay.certificateSerial])
        #expect(try await tailnet.store.listRelays().count == 1)
    }

    @Test func parallelRegistrationsGetUniqueAddressesAndValidCertificates() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true))
        let store = tailnet.store
        let results = try await withThrowingTaskGroup(of: CoordinatorStore.NodeCredentials.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await store.register(
                        RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "node-\(index)"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.node.address)).count == 100)
        #expect(Set(results.map(\.node.certificateSerial)).count == 100)
        #expect(results.allSatisfy { AddressAllocator.contains($0.node.address) })
        let verifier = Self.verifier(try await store.tailnetInfo())
        for result in results {
            try verifier.verify(
                encoded: result.certificate, role: .node, sealedBy: PublicKey(base64: result.node.publicKey),
                now: Timestamp(unixSeconds: tailnet.clock.now))
        }
    }

    @Test func stateSurvivesReopening() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true))
        let node = try await tailnet.store.register(
            RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "p"))
        let before = try await tailnet.store.dump()
        let reopened = try tailnet.reopen()
        defer { try? reopened.close() }
        #expect(try await reopened.dump() == before)
        #expect(try await reopened.authenticate(node.nodeToken ?? "") == .node(nodeID: node.node.id))
        #expect(try await reopened.authenticate(tailnet.adminToken) != .node(nodeID: ""))
        let next = try await reopened.register(
            RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "q"))
        #expect(next.node.address == "100.64.0.2")
    }

    @Test func rotationTrustsBothKeysDuringOverlapAndReissues() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let key = try await tailnet.store.createPreAuthKey(PreAuthKeyRequest(reusable: true))
        let node = try await tailnet.store.register(
            RegisterRequest(preAuthKey: key.key, publicKey: Self.newKey(), name: "r"))
        let oldInfo = try await tailnet.store.tailnetInfo()
        let rotation = try await tailnet.store.rotateCA(overlap: 3600)
        #expect(rotation.reissued == 1)
        #expect(rotation.tailnet.caPublicKeys.count == 2)
        #expect(rotation.tailnet.caPublicKeys[0].active)
        #expect(rotation.tailnet.caPublicKeys[1].keyID == oldInfo.caPublicKeys[0].keyID)
        let now = Timestamp(unixSeconds: tailnet.clock.now)
        let both = Self.verifier(rotation.tailnet)
        try both.verify(encoded: node.certificate, role: .node, sealedBy: nil, now: now)
        let snapshot = try await tailnet.store.loadNetmapSnapshot()
        let netmap = try #require(snapshot.netmap(for: node.node.id))
        let reissued = try both.verify(
            encoded: try Self.certificate(netmap.selfNode.certificate), role: .node, sealedBy: nil, now: now)
        #expect(reissued.caKeyID.description == rotation.tailnet.caPublicKeys[0].keyID)
        #expect(netmap.caPublicKeys.count == 2)
        tailnet.clock.advance(3601)
        let after = try await tailnet.store.tailnetInfo()
        #expect(after.caPublicKeys.map(\.keyID) == [rotation.tailnet.caPublicKeys[0].keyID])
        let newOnly = Self.verifier(after)
        #expect(throws: CertificateError.self) {
            try newOnly.verify(encoded: node.certificate, role: .node, sealedBy: nil, now: now)
        }
    }
}
