/// Checks certificates against the trusted CA keys of one tailnet (PROTOCOL.md §2, in that order).
public struct CertificateVerifier: Sendable {
    /// Tolerated clock skew before notBefore.
    public static let clockSkew: Int64 = 60

    /// The trusted CA keys by key id (two during a rotation overlap).
    public private(set) var trustedKeys: [CAKeyID: CAPublicKey]
    /// The tailnet certificates must belong to.
    public var tailnetID: String
    /// Serials refused even when their certificate verifies.
    public var revokedSerials: Set<UInt64>

    /// A verifier trusting `trustedCAs` (several during rotation) for `tailnetID`.
    public init(trustedCAs: [CAPublicKey], tailnetID: String, revokedSerials: Set<UInt64> = []) {
        self.trustedKeys = Dictionary(trustedCAs.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
        self.tailnetID = tailnetID
        self.revokedSerials = revokedSerials
    }

    /// Verifies a decoded certificate. `sealedBy` is the key that sealed the message carrying it (nil skips that
    /// last check, e.g. when checking a certificate file).
    public func verify(
        _ certificate: TailnetCertificate, role: CertificateRole, sealedBy: PublicKey?, now: Timestamp
    ) throws(CertificateError) {
        let signed = try certificate.signedBytes()
        guard let ca = trustedKeys[certificate.caKeyID] else { throw .unknownCA(certificate.caKeyID) }
        guard ca.isValidSignature(certificate.signature, for: signed) else {
            throw .badSignature(certificate.caKeyID)
        }
        guard certificate.tailnetID == tailnetID else {
            throw .wrongTailnet(expected: tailnetID, actual: certificate.tailnetID)
        }
        let seconds = now.unixSeconds
        guard seconds < certificate.notAfter else { throw .expired(notAfter: certificate.notAfter, now: seconds) }
        guard certificate.notBefore <= seconds || certificate.notBefore - Self.clockSkew <= seconds else {
            throw .notYetValid(notBefore: certificate.notBefore, now: seconds)
        }
        guard certificate.role == role else { throw .wrongRole(expected: role, actual: certificate.role) }
        guard !revokedSerials.contains(certificate.serial) else { throw .revoked(serial: certificate.serial) }
        if let sealedBy, sealedBy != certificate.subjectKey {
            throw .keyMismatch(certificateKey: certificate.subjectKey, sealedBy: sealedBy)
        }
    }

    /// Decodes then verifies encoded certificate bytes; returns the certificate.
    @discardableResult
    public func verify(
        encoded bytes: some Collection<UInt8>, role: CertificateRole, sealedBy: PublicKey?, now: Timestamp
    ) throws(CertificateError) -> TailnetCertificate {
        let certificate = try TailnetCertificate(decoding: bytes)
        try verify(certificate, role: role, sealedBy: sealedBy, now: now)
        return certificate
    }
}
