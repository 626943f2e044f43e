import Agent
import Coordinator
import CurlHTTP
import Logging
import RelayCore
import Synchronization
import Tailnet
import Testing

@testable import AgentRuntime

/// The agent renews its node certificate through a real coordinator before it expires (4 s lifetime here), stores
/// each new one in `node.json`, and the coordinator's netmap carries the latest.
@Suite(.timeLimit(.minutes(1))) struct CertificateRenewerTests {
    @Test func renewsEveryCertificateBeforeItExpires() async throws {
        try await withRunningCoordinator(policy: CoordinatorPolicy(nodeCertificateLifetime: 4)) {
            baseURL, admin, directory in
            let key = try #require(try await admin.createKey(PreAuthKeyRequest()).key)
            let stateDirectory = directory + "/agent"
            let identity = try await AgentIdentity.loadOrRegister(
                directory: stateDirectory, coordinator: baseURL, tls: TLSConfiguration(), preAuthKey: key,
                name: "laptop", endpoints: [])
            let node = try CoordinatorClient(baseURL: baseURL, token: identity.registration.nodeToken)
            let tailnet = try await node.tailnet()
            let verifier = CertificateVerifier(
                trustedCAs: tailnet.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) },
                tailnetID: tailnet.id)
            let first = try TailnetCertificate(decoding: identity.certificateBytes)
            #expect(first.notAfter - first.notBefore == 4)

            let (renewals, continuation) = AsyncStream<(bytes: [UInt8], at: Timestamp)>.makeStream()
            var logger = Logger(label: "renewer-test")
            logger.logLevel = .warning
            let renewer = CertificateRenewer(client: node, logger: logger)
            let task = Task {
                try await renewer.run(current: first) { response, bytes in
                    var stored = identity
                    stored.registration.certificate = response.certificate
                    stored.registration.certificateExpiresAt = response.certificateExpiresAt
                    try stored.save(directory: stateDirectory)
                    continuation.yield((bytes, Timestamp.now()))
                }
            }
            defer { task.cancel() }

            var previous = first
            var iterator = renewals.makeAsyncIterator()
            for round in 1...2 {
                let renewal = try #require(await iterator.next(), "renewal \(round)")
                let certificate = try verifier.verify(
                    encoded: renewal.bytes, role: .node, sealedBy: identity.controlKey.publicKey, now: renewal.at)
                #expect(renewal.at.unixSeconds < previous.notAfter, "renewed before the old certificate expired")
                #expect(
                    renewal.at >= Timestamp(unixSeconds: previous.notBefore) + .milliseconds(2_000),
                    "not before about 2/3 of the lifetime (jitter brings it forward by at most 0.4 s)")
                #expect(certificate.serial > previous.serial)
                #expect(certificate.notAfter > previous.notAfter)
                #expect(certificate.subjectID == identity.registration.nodeID)
                previous = certificate
            }
            // The stored identity and the netmap carry the latest certificate.
            let reloaded = try await AgentIdentity.loadOrRegister(
                directory: stateDirectory, coordinator: baseURL, tls: TLSConfiguration(), preAuthKey: nil,
                name: "laptop", endpoints: [])
            #expect(try TailnetCertificate(decoding: reloaded.certificateBytes).serial == previous.serial)
            let netmap = try #require(try await node.netmap(timeout: 0))
            #expect(
                try TailnetCertificate(decoding: Sodium.decodeBase64(netmap.selfNode.certificate) ?? []).serial
                    == previous.serial)
        }
    }
}
