/// Everything a relay's session table needs: its identity, whom to trust, what to advertise, and limits.
public struct RelayConfiguration: Sendable {
    /// The relay's X25519 key (control messages are sealed to it).
    public var relayKey: PrivateKey
    /// Certificates must be issued for this tailnet.
    public var tailnetID: String
    /// Trusted CA public keys (several during rotation).
    public var trustedCAs: [CAPublicKey]
    /// Revoked certificate serials.
    public var revokedSerials: Set<UInt64>
    /// Endpoints sent in AllocateResponse, in order of preference (trailing ones are dropped if the reply would
    /// exceed the request). Empty: clients use the address they sent Allocate to.
    public var advertisedEndpoints: [EndpointAddress]
    /// Session caps, timeouts and per-source rates.
    public var limits: RelayLimits

    /// Creates a configuration (default limits, no revocations, no advertised endpoints).
    public init(
        relayKey: PrivateKey, tailnetID: String, trustedCAs: [CAPublicKey], revokedSerials: Set<UInt64> = [],
        advertisedEndpoints: [EndpointAddress] = [], limits: RelayLimits = RelayLimits()
    ) {
        self.relayKey = relayKey
        self.tailnetID = tailnetID
        self.trustedCAs = trustedCAs
        self.revokedSerials = revokedSerials
        self.advertisedEndpoints = advertisedEndpoints
        self.limits = limits
    }

    /// The certificate verifier for this configuration.
    public var verifier: CertificateVerifier {
        CertificateVerifier(trustedCAs: trustedCAs, tailnetID: tailnetID, revokedSerials: revokedSerials)
    }

    /// Problems a user must fix before the relay can start; empty if usable.
    public var problems: [String] {
        var out = limits.problems
        if trustedCAs.isEmpty { out.append("no trusted CA public key configured; pass the tailnet CA public key") }
        do {
            try TailnetCertificate.validate(field: "tailnet id", tailnetID, tailnet: true)
        } catch {
            out.append(error.description)
        }
        if advertisedEndpoints.count > AllocateResponseMessage.maximumEndpoints {
            out.append("at most \(AllocateResponseMessage.maximumEndpoints) advertised endpoints")
        }
        return out
    }
}
