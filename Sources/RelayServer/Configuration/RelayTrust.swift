public import RelayCore

/// The reloadable trust settings: which CA keys sign acceptable node certificates, and which serials are revoked.
public struct RelayTrust: Sendable, Equatable {
    /// CA keys whose certificates are accepted.
    public var caKeys: [CAPublicKey]
    /// Serials refused even when their certificate verifies.
    public var revokedSerials: Set<UInt64>

    /// Creates trust settings.
    public init(caKeys: [CAPublicKey], revokedSerials: Set<UInt64> = []) {
        self.caKeys = caKeys
        self.revokedSerials = revokedSerials
    }

    /// A verifier for node certificates of `tailnetID`.
    public func verifier(tailnetID: String) -> CertificateVerifier {
        CertificateVerifier(trustedCAs: caKeys, tailnetID: tailnetID, revokedSerials: revokedSerials)
    }
}
