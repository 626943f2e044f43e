public import RelayCore

/// Where a peer-relay path stands: the agent allocates and binds a session through the relay, then probes it.
public enum RelayPathStatus: Hashable, Sendable {
    /// Nothing asked yet (or the last session was given up): the next tick asks for an allocation.
    case needsAllocation
    /// An Allocate/Bind is in flight since the given time.
    case allocating(since: Timestamp)
    /// Bound on session `vni`; the relay drops the session after `idleTimeout` without traffic.
    case ready(vni: UInt32, idleTimeout: Duration, since: Timestamp)
    /// The relay refused (certificate, capacity, rate) or did not answer; retried at `retryAt`.
    case failed(RelayFailure, at: Timestamp, retryAt: Timestamp)
    /// This node refuses the relay: its certificate does not check out against the tailnet CA (`why` says how,
    /// see `RelayCertificateCheck`). No session is allocated until a netmap brings a certificate that does.
    case untrusted(why: String)

    /// The session id when ready.
    public var vni: UInt32? {
        if case .ready(let vni, _, _) = self { return vni }
        return nil
    }

    /// True while this node refuses the relay's certificate.
    public var isUntrusted: Bool {
        if case .untrusted = self { return true }
        return false
    }
}

/// Why a relay path could not be set up, in words a user can act on.
public enum RelayFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The relay answered with an Error (PROTOCOL.md §5); `message` is the relay's text.
    case refused(code: UInt16, message: String)
    /// No answer from the relay's endpoint.
    case noAnswer(endpoint: String)
    /// Anything else (no usable endpoint, bad key, socket error).
    case other(String)

    public var description: String {
        switch self {
        case .refused(_, let message): "refused: \(message)"
        case .noAnswer(let endpoint): "no answer from \(endpoint)"
        case .other(let text): text
        }
    }
}
