public import Tailnet

/// Certificate lifetimes and limits the coordinator applies, and the fallback relays it lists in netmaps.
public struct CoordinatorPolicy: Sendable, Equatable {
    /// Lifetime of node certificates in seconds (default 7 days).
    public var nodeCertificateLifetime: Int64
    /// Lifetime of relay certificates in seconds (default 30 days).
    public var relayCertificateLifetime: Int64
    /// Default pre-auth key lifetime in seconds (default 24 h).
    public var defaultKeyLifetime: Int64
    /// Longest pre-auth key lifetime accepted (365 days).
    public var maxKeyLifetime: Int64
    /// Fallback relays listed in every netmap (the embedded one first, then regional ones).
    public var fallbackRelays: [FallbackRelay]

    /// Creates a policy.
    public init(
        nodeCertificateLifetime: Int64 = 7 * 86_400, relayCertificateLifetime: Int64 = 30 * 86_400,
        defaultKeyLifetime: Int64 = 86_400, maxKeyLifetime: Int64 = 365 * 86_400, fallbackRelays: [FallbackRelay] = []
    ) {
        self.nodeCertificateLifetime = nodeCertificateLifetime
        self.relayCertificateLifetime = relayCertificateLifetime
        self.defaultKeyLifetime = defaultKeyLifetime
        self.maxKeyLifetime = maxKeyLifetime
        self.fallbackRelays = fallbackRelays
    }
}
