public import RelayCore

extension RevocationList {
    /// A verifier trusting this list's CA keys for its tailnet and refusing its revoked serials (keys that do not
    /// parse are skipped: the coordinator never publishes such keys).
    public var verifier: CertificateVerifier {
        CertificateVerifier(
            trustedCAs: caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) }, tailnetID: tailnetID,
            revokedSerials: Set(serials))
    }
}
