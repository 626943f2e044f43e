/// A tailnet CA: signs node and relay certificates for one tailnet.
public struct CertificateAuthority: Sendable {
    /// Default validity of issued certificates.
    public static let defaultValidity: Duration = .seconds(30 * 24 * 3600)

    /// The CA's Ed25519 signing key.
    public let privateKey: CAPrivateKey
    /// The tailnet every certificate it issues belongs to.
    public let tailnetID: String

    /// A CA for `tailnetID` (1…63 bytes of `[a-z0-9.-]`).
    public init(privateKey: CAPrivateKey, tailnetID: String) throws(CertificateError) {
        try TailnetCertificate.validate(field: "tailnet id", tailnetID, tailnet: true)
        self.privateKey = privateKey
        self.tailnetID = tailnetID
    }

    /// The CA public key relays and clients trust.
    public var publicKey: CAPublicKey { privateKey.publicKey }

    /// Issues a certificate valid from `now` for `validFor`. `serial` nil picks a random 63-bit serial.
    /// Throws `.malformed` if a field is out of range (empty or over 63 bytes, over 16 tags, over 512 bytes).
    public func issue(
        role: CertificateRole, subjectKey: PublicKey, subjectID: String, subjectName: String, tags: [String] = [],
        validFor: Duration = defaultValidity, now: Timestamp = .now(), serial: UInt64? = nil
    ) throws(CertificateError) -> TailnetCertificate {
        let seconds = validFor.wholeSeconds
        guard seconds > 0 else { throw .malformed("validity must be at least one second") }
        let start = now.unixSeconds
        let (end, overflow) = start.addingReportingOverflow(seconds)
        var certificate = TailnetCertificate(
            role: role, serial: serial ?? Self.randomSerial(), notBefore: start, notAfter: overflow ? .max : end,
            caKeyID: privateKey.keyID, subjectKey: subjectKey, tailnetID: tailnetID, subjectID: subjectID,
            subjectName: subjectName, tags: tags, signature: [])
        certificate.signature = privateKey.sign(try certificate.signedBytes())
        return certificate
    }

    static func randomSerial() -> UInt64 {
        let bytes = Sodium.randomBytes(8)
        return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & 0x7FFF_FFFF_FFFF_FFFF
    }
}
