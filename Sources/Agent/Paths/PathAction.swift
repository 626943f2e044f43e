public import RelayCore

/// What the pure path logic asks the I/O layer to do.
public enum PathAction: Hashable, Sendable {
    /// Send a sealed Ping with this transaction id on the path.
    case ping(PathID, TransactionID)
    /// Send a CallMeMaybe with this node's endpoints through the fallback relay.
    case callMeMaybe
    /// Allocate and bind a session with the peer through this relay, then report `relayReady` or `relayFailed`.
    case allocateRelay(relayID: String)
    /// Data now goes on another path.
    case switched(PathSwitch)
}

/// A change of the path data goes on, with its reason (metrics label and log line).
public struct PathSwitch: Hashable, Sendable, CustomStringConvertible {
    /// Why the path changed.
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        /// The first path that answered.
        case firstPath = "first_path"
        /// A path of a better kind answered (relay → direct, fallback → relay, …).
        case upgrade
        /// The active path went quiet (no pong within the trust window); the next trusted path took over.
        case failover
        /// A path of the same kind is clearly faster.
        case fasterPath = "faster_path"
        /// `--force-path` changed.
        case forced
        /// The active path is gone (peer or relay left the netmap).
        case removed
        /// The active relay's certificate no longer checks out (revoked, expired, another CA).
        case untrustedRelay = "untrusted_relay"
    }

    /// The path left (nil at first).
    public var from: PathID?
    /// The path taken (nil: no path trusted; data goes to the last path and the fallback at once).
    public var to: PathID?
    /// Why the path changed.
    public var reason: Reason
    /// For failovers: how long the old path had been quiet (last pong to switch), the delivery gap it caused.
    public var quietFor: Duration?

    public var description: String {
        let from = from.map(\.description) ?? "none"
        let to = to.map(\.description) ?? "none"
        let quiet = quietFor.map { " after \($0.secondsText) s quiet" } ?? ""
        return "\(from) -> \(to) (\(reason.rawValue)\(quiet))"
    }

}
