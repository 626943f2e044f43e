import Testing

@testable import RelayCore

@Suite struct CertificateTests {
    let caKey = CAPrivateKey.generate()
    let node = PrivateKey.generate()
    let now = Timestamp(unixSeconds: 1_800_000_000)

    var ca: CertificateAuthority { try! CertificateAuthority(privateKey: caKey, tailnetID: "example.ts") }
    var verifier: CertificateVerifier {
        CertificateVerifier(trustedCAs: [caKey.publicKey], tailnetID: "example.ts")
    }

    func issue(role: CertificateRole = .node, serial: UInt64 = 7) throws -> TailnetCertificate {
        try ca.issue(
            role: role, subjectKey: node.publicKey, subjectID: "n-123", subjectName: "laptop",
            tags: ["tag:dev", "tag:relay-user"], validFor: .seconds(3600), now: now, serial: serial)
    }

    @Test func issuedCertificateRoundTripsAndVerifies() throws {
        let cert = try issue()
        let bytes = cert.encoded()
        #expect(bytes.count <= TailnetCertificate.maximumEncodedSize)
        let decoded = try TailnetCertificate(decoding: bytes)
        #expect(decoded == cert)
        #expect(decoded.notAfter - decoded.notBefore == 3600)
        #expect(decoded.caKeyID == caKey.keyID)
        try verifier.verify(decoded, role: .node, sealedBy: node.publicKey, now: now)
        #expect(try TailnetCertificate(pem: cert.pemEncoded) == cert)
        #expect(cert.pemEncoded.hasPrefix("-----BEGIN PEERRELAY CERTIFICATE-----\n"))
        #expect(cert.pemEncoded.hasSuffix("-----END PEERRELAY CERTIFICATE-----\n"))
        #expect(cert.pemEncoded.split(separator: "\n").allSatisfy { $0.count <= 64 || $0.hasPrefix("-----") })
    }

    @Test func pemToleratesSurroundingTextAndRejectsGarbage() throws {
        let cert = try issue()
        #expect(try TailnetCertificate(pem: "comment\n" + cert.pemEncoded + "trailer\n") == cert)
        #expect(throws: CertificateError.self) { try TailnetCertificate(pem: "hello") }
        let noEnd = cert.pemEncoded.replacing("-----END PEERRELAY CERTIFICATE-----", with: "")
        #expect(throws: CertificateError.self) { try TailnetCertificate(pem: noEnd) }
    }

    @Test func refusalsFollowTheProtocolOrder() throws {
        let cert = try issue()
        let v = verifier
        let other = CAPrivateKey.generate()
        let otherCA = try CertificateAuthority(privateKey: other, tailnetID: "example.ts")
        let foreign = try otherCA.issue(
            role: .node, subjectKey: node.publicKey, subjectID: "n", subjectName: "x", now: now)
        #expect(throws: CertificateError.unknownCA(other.keyID)) {
            try v.verify(foreign, role: .node, sealedBy: node.publicKey, now: now)
        }
        let wrongTailnet = try CertificateAuthority(privateKey: caKey, tailnetID: "other.ts").issue(
            role: .node, subjectKey: node.publicKey, subjectID: "n", subjectName: "x", now: now)
        #expect(throws: CertificateError.wrongTailnet(expected: "example.ts", actual: "other.ts")) {
            try v.verify(wrongTailnet, role: .node, sealedBy: node.publicKey, now: now)
        }
        #expect(throws: CertificateError.expired(notAfter: cert.notAfter, now: cert.notAfter)) {
            try v.verify(cert, role: .node, sealedBy: node.publicKey, now: Timestamp(unixSeconds: cert.notAfter))
        }
        // 60 s of clock skew are tolerated, 61 are not.
        try v.verify(cert, role: .node, sealedBy: node.publicKey, now: now - .seconds(60))
        #expect(throws: CertificateError.notYetValid(notBefore: cert.notBefore, now: cert.notBefore - 61)) {
            try v.verify(cert, role: .node, sealedBy: node.publicKey, now: now - .seconds(61))
        }
        #expect(throws: CertificateError.wrongRole(expected: .relay, actual: .node)) {
            try v.verify(cert, role: .relay, sealedBy: node.publicKey, now: now)
        }
        var revoking = v
        revoking.revokedSerials = [7]
        #expect(throws: CertificateError.revoked(serial: 7)) {
            try revoking.verify(cert, role: .node, sealedBy: node.publicKey, now: now)
        }
        let stranger = PrivateKey.generate().publicKey
        #expect(throws: CertificateError.keyMismatch(certificateKey: node.publicKey, sealedBy: stranger)) {
            try v.verify(cert, role: .node, sealedBy: stranger, now: now)
        }
        // Order: an expired certificate of the wrong role reports expiry first.
        #expect(throws: CertificateError.expired(notAfter: cert.notAfter, now: cert.notAfter + 10)) {
            try v.verify(cert, role: .relay, sealedBy: stranger, now: Timestamp(unixSeconds: cert.notAfter + 10))
        }
    }

    @Test func rotationAcceptsEveryTrustedCA() throws {
        let next = CAPrivateKey.generate()
        let v = CertificateVerifier(trustedCAs: [caKey.publicKey, next.publicKey], tailnetID: "example.ts")
        let fromNext = try CertificateAuthority(privateKey: next, tailnetID: "example.ts").issue(
            role: .relay, subjectKey: node.publicKey, subjectID: "r", subjectName: "relay-0", now: now)
        try v.verify(fromNext, role: .relay, sealedBy: nil, now: now)
        try v.verify(try issue(), role: .node, sealedBy: node.publicKey, now: now)
    }

    @Test func everyTamperedByteIsRefused() throws {
        let bytes = try issue().encoded()
        for index in bytes.indices {
            var tampered = bytes
            tampered[index] ^= 0x01
            #expect(throws: CertificateError.self, "byte \(index)") {
                try verifier.verify(encoded: tampered, role: .node, sealedBy: node.publicKey, now: now)
            }
        }
    }

    @Test func everyTruncationIsMalformed() throws {
        let bytes = try issue().encoded()
        for length in 0..<bytes.count {
            do {
                _ = try TailnetCertificate(decoding: bytes.prefix(length))
                Issue.record("truncation to \(length) bytes decoded")
            } catch {
                guard case .malformed = error else {
                    Issue.record("truncation to \(length): \(error)")
                    continue
                }
            }
        }
        #expect(throws: CertificateError.malformed("1 unexpected bytes after the signature")) {
            try TailnetCertificate(decoding: bytes + [0])
        }
    }

    @Test func issueRefusesOutOfRangeFields() throws {
        #expect(throws: CertificateError.self) {
            try ca.issue(role: .node, subjectKey: node.publicKey, subjectID: "", subjectName: "x", now: now)
        }
        #expect(throws: CertificateError.self) {
            try ca.issue(
                role: .node, subjectKey: node.publicKey, subjectID: String(repeating: "a", count: 64),
                subjectName: "x", now: now)
        }
        #expect(throws: CertificateError.self) {
            try ca.issue(
                role: .node, subjectKey: node.publicKey, subjectID: "a", subjectName: "x",
                tags: (0..<17).map { "tag:\($0)" }, now: now)
        }
        #expect(throws: CertificateError.self) {
            try CertificateAuthority(privateKey: caKey, tailnetID: "Upper.Case")
        }
        // 16 tags of 63 bytes exceed 512 bytes in total.
        #expect(throws: CertificateError.self) {
            try ca.issue(
                role: .node, subjectKey: node.publicKey, subjectID: "a", subjectName: "x",
                tags: (0..<16).map { _ in String(repeating: "t", count: 63) }, now: now)
        }
    }

    @Test func errorsMapToWireCodesAndSayWhatToDo() {
        #expect(CertificateError.expired(notAfter: 1, now: 2).relayErrorCode == .expiredCertificate)
        #expect(CertificateError.badSignature(CAKeyID(value: 1)).relayErrorCode == .unknownCA)
        #expect(CertificateError.unknownCA(CAKeyID(value: 1)).description.contains("trusted CA"))
    }
}
