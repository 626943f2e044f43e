public import RelayCore

/// Whether this node may allocate sessions on a peer relay: the relay's certificate (from the netmap) must be a
/// relay certificate for the relay's published key, signed by this tailnet's CA, current and not revoked
/// (`CertificateVerifier`, PROTOCOL.md §2). A relay that fails is refused with a reason `relayctl status` shows.
public enum RelayCertificateCheck {
    /// Nil when the certificate checks out; otherwise why the relay is refused, in words a user can act on.
    public static func refusal(
        certificate: [UInt8]?, relayKey: PublicKey, verifier: CertificateVerifier, now: Timestamp
    ) -> String? {
        guard let certificate, !certificate.isEmpty else {
            return "no certificate in the netmap (the relay must publish one through the coordinator)"
        }
        do {
            try verifier.verify(encoded: certificate, role: .relay, sealedBy: relayKey, now: now)
            return nil
        } catch {
            return explanation(error)
        }
    }

    /// The refusal text for a certificate error, from the node's point of view.
    public static func explanation(_ error: CertificateError) -> String {
        switch error {
        case .malformed(let why):
            "certificate unreadable (\(why)); the relay must publish it again"
        case .unknownCA, .badSignature:
            "certificate not signed by this tailnet's CA"
        case .wrongTailnet(let expected, let actual):
            "certificate is for tailnet \"\(actual)\", not this tailnet (\"\(expected)\")"
        case .expired(let notAfter, let now):
            "certificate expired \(now - notAfter) s ago; the relay must publish again (or check this node's clock)"
        case .notYetValid(let notBefore, let now):
            "certificate valid only in \(notBefore - now) s; check the clocks of this node and the coordinator"
        case .wrongRole(_, let actual):
            "certificate has role \(actual), not relay"
        case .revoked(let serial):
            "certificate revoked (serial \(serial))"
        case .keyMismatch:
            "certificate is for another key than the relay's published key"
        }
    }
}
