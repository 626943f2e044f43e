import Fallback
import RelayCore
import Testing

@Suite struct AdmissionTests {
    typealias V = FallbackVectors
    let now = FallbackVectors.now + .seconds(60)

    func hello(
        key: PrivateKey = V.clientA, certificate: TailnetCertificate = V.certificate, challenge: [UInt8] = V.challenge,
        version: UInt8 = FrameLimits.version
    ) -> ClientHello {
        ClientHello.seal(
            .init(version: version, challenge: challenge, certificate: certificate.encoded()), key: key,
            serverKey: V.server.publicKey)!
    }

    func decide(_ hello: ClientHello, verifier: CertificateVerifier = V.verifier, at time: Timestamp? = nil)
        -> Result<Admission.Admitted, CloseNotice>
    {
        Admission.decide(
            hello: hello, challenge: V.challenge, serverKey: V.server, verifier: verifier, now: time ?? now)
    }

    func reason(_ result: Result<Admission.Admitted, CloseNotice>) -> CloseReason? {
        if case .failure(let notice) = result { return notice.reason }
        return nil
    }

    @Test func aValidHelloIsAdmittedWithItsCertificate() throws {
        let admitted = try decide(hello()).get()
        #expect(admitted.certificate == V.certificate)
        #expect(!admitted.watches)
    }

    @Test func aHelloForAnotherChallengeIsARefusedReplay() {
        let old = hello(challenge: V.repeated(9))
        let result = decide(old)
        #expect(reason(result) == .authenticationFailed)
        if case .failure(let notice) = result { #expect(notice.message.contains("replay")) }
    }

    @Test func aHelloClaimingAnotherKeyDoesNotOpen() {
        let genuine = hello()
        let forged = ClientHello(clientKey: V.clientB.publicKey, sealed: genuine.sealed)
        #expect(reason(decide(forged)) == .authenticationFailed)
        var tampered = genuine
        tampered.sealed[tampered.sealed.count - 1] ^= 1
        #expect(reason(decide(tampered)) == .authenticationFailed)
    }

    @Test func certificatesAreRefusedWithTheReasonThatApplies() throws {
        // Foreign: another CA (another tailnet's coordinator).
        let foreignCA = try CertificateAuthority(
            privateKey: CAPrivateKey(seed: V.repeated(0x77)), tailnetID: "example.ts")
        let foreign = try foreignCA.issue(
            role: .node, subjectKey: V.clientA.publicKey, subjectID: "n1", subjectName: "laptop", now: V.now)
        #expect(reason(decide(hello(certificate: foreign))) == .unknownCA)
        // Expired.
        #expect(reason(decide(hello(), at: V.now + .seconds(86_400))) == .expired)
        // Revoked.
        let revoking = CertificateVerifier(trustedCAs: [V.ca.publicKey], tailnetID: "example.ts", revokedSerials: [1])
        #expect(reason(decide(hello(), verifier: revoking)) == .revoked)
        // Another node's certificate, sealed by A.
        let other = try V.authority.issue(
            role: .node, subjectKey: V.clientB.publicKey, subjectID: "n2", subjectName: "b", now: V.now)
        #expect(reason(decide(hello(certificate: other))) == .keyMismatch)
        // A relay certificate is not a node certificate.
        let relay = try V.authority.issue(
            role: .relay, subjectKey: V.clientA.publicKey, subjectID: "r1", subjectName: "relay", now: V.now)
        #expect(reason(decide(hello(certificate: relay))) == .wrongRole)
        // Another tailnet.
        let elsewhere = CertificateVerifier(trustedCAs: [V.ca.publicKey], tailnetID: "other.ts")
        #expect(reason(decide(hello(), verifier: elsewhere)) == .wrongTailnet)
        // Unknown version.
        #expect(reason(decide(hello(version: 7))) == .authenticationFailed)
    }

    @Test func recheckFindsRevokedAndExpiredCertificates() {
        #expect(Admission.recheck(V.certificate, verifier: V.verifier, now: now) == nil)
        let revoking = CertificateVerifier(trustedCAs: [V.ca.publicKey], tailnetID: "example.ts", revokedSerials: [1])
        #expect(Admission.recheck(V.certificate, verifier: revoking, now: now)?.reason == .revoked)
        #expect(
            Admission.recheck(V.certificate, verifier: V.verifier, now: V.now + .seconds(90_000))?.reason == .expired)
        // After a CA rotation that dropped the issuing key.
        let rotated = CertificateVerifier(trustedCAs: [CAPrivateKey.generate().publicKey], tailnetID: "example.ts")
        #expect(Admission.recheck(V.certificate, verifier: rotated, now: now)?.reason == .unknownCA)
    }
}
