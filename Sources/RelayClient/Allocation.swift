public import RelayCore

/// A session the relay allocated for this client and a peer (the AllocateResponse).
public struct Allocation: Sendable, Hashable {
    /// The session id both sides use.
    public var vni: UInt32
    /// The other side's key.
    public var peer: PublicKey
    /// Both sides must bind within this time or the relay drops the session.
    public var bindTimeout: Duration
    /// A bound session without traffic is dropped after this time.
    public var idleTimeout: Duration
    /// The relay's advertised endpoints (may be empty; truncated to fit the request size).
    public var endpoints: [EndpointAddress]
}
