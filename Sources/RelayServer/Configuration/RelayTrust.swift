import RelayCore

/// The reloadable trust settings: which CA keys sign acceptable node certificates, and which serials are revoked.
public struct RelayTrust: Sendable, Equatable {
    public var caKeys: [CAPublicKey]
    public var revokedSerials: Set<UInt64>

    public init(caKeys: [CAPublicKey], revokedSerials: Set<UInt64> = []) {
        self.caKeys = caKeys
        self.revokedSerials = revokedSerials
    }

    /// A verifier for node certificates of `tailnetID`.
    public func verifier(tailnetID: String) -> CertificateVerifier {
        CertificateVerifier(trustedCAs: caKeys, tailnetID: tailnetID, revokedSerials: revokedSerials)
    }
}
