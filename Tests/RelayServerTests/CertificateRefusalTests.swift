import RelayCore
import Testing

@testable import RelayServer

@Suite struct CertificateRefusalTests {
    enum Case: String, CaseIterable, Sendable {
        case otherTailnetSameCA, untrustedCA, expired, otherKey, relayRole, garbage
    }

    /// The certificate bytes and the error code each case must produce.
    static func certificate(
        for testCase: Case, tailnet: TestTailnet, sender: TestTailnet.Node
    ) throws -> (bytes: [UInt8], code: RelayErrorCode) {
        switch testCase {
        case .otherTailnetSameCA:
            let foreign = try CertificateAuthority(privateKey: tailnet.authority.privateKey, tailnetID: "other.example")
            let certificate = try foreign.issue(
                role: .node, subjectKey: sender.publicKey, subjectID: "x", subjectName: "intruder")
            return (certificate.encoded(), .wrongTailnet)
        case .untrustedCA:
            let stranger = try TestTailnet(id: tailnet.id)
            defer { stranger.remove() }
            return (try stranger.node("stranger").certificate.encoded(), .unknownCA)
        case .expired:
            let certificate = try tailnet.authority.issue(
                role: .node, subjectKey: sender.publicKey, subjectID: "old", subjectName: "old",
                validFor: .seconds(3600), now: .now() - .seconds(7200))
            return (certificate.encoded(), .expiredCertificate)
        case .otherKey:
            return (try tailnet.node("someone-else").certificate.encoded(), .keyMismatch)
        case .relayRole:
            let certificate = try tailnet.authority.issue(
                role: .relay, subjectKey: sender.publicKey, subjectID: "r", subjectName: "not-a-node")
            return (certificate.encoded(), .wrongRole)
        case .garbage:
            return ([UInt8](repeating: 0x42, count: 100), .malformedCertificate)
        }
    }

    @Test(arguments: Case.allCases)
    func refusedWithTheMatchingSealedErrorAndCounted(_ testCase: Case) async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            let sender = try tailnet.node("sender")
            let client = try await TestClient(node: sender, relay: relay.address, relayPublicKey: relay.relayPublicKey)
            defer { Task { await client.close() } }
            let (bytes, code) = try Self.certificate(for: testCase, tailnet: tailnet, sender: sender)
            let peer = PrivateKey.generate().publicKey
            let reply = try await client.allocate(peer: peer, generation: 42, certificate: bytes)
            guard case .error(let error) = reply else {
                Issue.record("\(testCase): expected a sealed Error, got \(String(describing: reply))")
                return
            }
            #expect(error.code == code)
            #expect(error.generation == 42)
            #expect(!error.message.isEmpty)
            let metrics = try await relay.scrape()
            let label = RelayMetrics.label(code)
            #expect(metrics.value("relay_errors_sent_total", "code=\"\(label)\"") == 1)
            #expect(metrics.value("relay_handshakes_total", "step=\"allocate\",result=\"\(label)\"") == 1)
            #expect(metrics.value("relay_sessions_created_total") == 0)
        }
    }
}
