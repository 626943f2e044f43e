/// A tailnet certificate (`PRC1`, PROTOCOL.md §2): binds a subject's X25519 key to a tailnet, identity, role and
/// validity window, signed by the tailnet CA. Decode with `init(decoding:)`, check with `CertificateVerifier`.
public struct TailnetCertificate: Hashable, Sendable {
    /// Largest encoded certificate.
    public static let maximumEncodedSize = 512
    /// Longest tailnet id, subject id, subject name or tag in UTF-8 bytes.
    public static let maximumFieldLength = 63
    /// Most tags on one certificate.
    public static let maximumTagCount = 16
    static let magic: [UInt8] = [0x50, 0x52, 0x43, 0x31]

    /// Node or relay.
    public var role: CertificateRole
    /// Unique per CA; what revocations name.
    public var serial: UInt64
    /// Unix seconds.
    public var notBefore: Int64
    /// Unix seconds (exclusive).
    public var notAfter: Int64
    /// Id of the signing CA key.
    public var caKeyID: CAKeyID
    /// The subject's X25519 public key.
    public var subjectKey: PublicKey
    /// The tailnet the subject belongs to.
    public var tailnetID: String
    /// The subject's id at the coordinator.
    public var subjectID: String
    /// The subject's name, e.g. a node name.
    public var subjectName: String
    /// Tags (grants match relays by them).
    public var tags: [String]
    /// Ed25519 signature (64 bytes) by the CA over every preceding encoded byte.
    public var signature: [UInt8]

    /// Creates a certificate from its fields (the signature is usually produced by `CertificateAuthority`).
    public init(
        role: CertificateRole, serial: UInt64, notBefore: Int64, notAfter: Int64, caKeyID: CAKeyID,
        subjectKey: PublicKey, tailnetID: String, subjectID: String, subjectName: String, tags: [String],
        signature: [UInt8]
    ) {
        self.role = role
        self.serial = serial
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.caKeyID = caKeyID
        self.subjectKey = subjectKey
        self.tailnetID = tailnetID
        self.subjectID = subjectID
        self.subjectName = subjectName
        self.tags = tags
        self.signature = signature
    }
}

extension TailnetCertificate: CustomStringConvertible {
    public var description: String {
        "\(role) certificate \"\(subjectName)\" (\(subjectID)) key \(subjectKey.shortDescription) tailnet \(tailnetID) "
            + "serial \(serial) valid [\(notBefore), \(notAfter)) CA \(caKeyID)"
    }
}
