/// What a session side was admitted with: the facts of its certificate that can stop holding later (its CA key
/// may be removed, its serial revoked, its notAfter passed). Recheck with `CertificateVerifier.recheck(_:now:)`.
public struct AdmittedCertificate: Hashable, Sendable {
    /// Id of the CA key that signed it.
    public var caKeyID: CAKeyID
    /// Its serial (checked against revocations).
    public var serial: UInt64
    /// Unix seconds (exclusive).
    public var notAfter: Int64

    /// Creates the facts from their parts.
    public init(caKeyID: CAKeyID, serial: UInt64, notAfter: Int64) {
        self.caKeyID = caKeyID
        self.serial = serial
        self.notAfter = notAfter
    }

    /// The facts of a certificate that passed `CertificateVerifier.verify`.
    public init(_ certificate: TailnetCertificate) {
        self.init(caKeyID: certificate.caKeyID, serial: certificate.serial, notAfter: certificate.notAfter)
    }
}
