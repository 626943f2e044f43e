/// Why a certificate was refused. Cases follow the verification order of PROTOCOL.md §2.
public enum CertificateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not a PRC1 certificate, truncated, or a field out of range. The string says which.
    case malformed(String)
    /// Signed by a CA key this verifier does not trust.
    case unknownCA(CAKeyID)
    /// Names a trusted CA key but the signature does not verify (altered or forged).
    case badSignature(CAKeyID)
    /// Issued for another tailnet.
    case wrongTailnet(expected: String, actual: String)
    /// `now` is at or after notAfter.
    case expired(notAfter: Int64, now: Int64)
    /// `now` is more than 60 s before notBefore.
    case notYetValid(notBefore: Int64, now: Int64)
    /// The certificate's role is not the one required here.
    case wrongRole(expected: CertificateRole, actual: CertificateRole)
    /// The serial is on the revocation list.
    case revoked(serial: UInt64)
    /// The certificate's key is not the key that sealed the message.
    case keyMismatch(certificateKey: PublicKey, sealedBy: PublicKey)

    /// The wire error code a relay answers with (PROTOCOL.md §5).
    public var relayErrorCode: RelayErrorCode {
        switch self {
        case .malformed: .malformedCertificate
        case .unknownCA, .badSignature: .unknownCA
        case .wrongTailnet: .wrongTailnet
        case .expired: .expiredCertificate
        case .notYetValid: .certificateNotYetValid
        case .wrongRole: .wrongRole
        case .revoked: .revoked
        case .keyMismatch: .keyMismatch
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why):
            "malformed certificate: \(why); re-issue it with `relayctl cert issue` or fetch it again from the coordinator"
        case .unknownCA(let id):
            "certificate signed by unknown CA key \(id); add that CA public key to the relay's trusted CA keys "
                + "or re-issue the certificate with a trusted CA"
        case .badSignature(let id):
            "certificate signature does not verify against CA key \(id): it was altered or forged; re-issue it"
        case .wrongTailnet(let expected, let actual):
            "certificate is for tailnet \"\(actual)\", this relay serves \"\(expected)\"; use a certificate from the "
                + "right tailnet or point the client at this tailnet's relays"
        case .expired(let notAfter, let now):
            "certificate expired at \(notAfter) (Unix s), now is \(now); renew it from the coordinator "
                + "(and check the clock)"
        case .notYetValid(let notBefore, let now):
            "certificate is valid only from \(notBefore) (Unix s), now is \(now); check this machine's clock"
        case .wrongRole(let expected, let actual):
            "certificate has role \(actual), \(expected) is required here; use the \(expected) certificate"
        case .revoked(let serial):
            "certificate serial \(serial) is revoked; obtain a new certificate from the coordinator"
        case .keyMismatch(let certificateKey, let sealedBy):
            "certificate is for key \(certificateKey.shortDescription) but the message was sealed by "
                + "\(sealedBy.shortDescription); use the certificate issued for this key"
        }
    }
}
