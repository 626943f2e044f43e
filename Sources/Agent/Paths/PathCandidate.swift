public import RelayCore

/// What the agent knows about one path to one peer: its probes and their answers.
public struct PathCandidate: Hashable, Sendable {
    /// The path.
    public let id: PathID
    /// Name shown to users: the endpoint, the relay's name, the fallback region.
    public var label: String
    /// When the last ping went out.
    public var lastPingAt: Timestamp?
    /// The first ping sent since the last pong (or ever): "no answer for N s" counts from here.
    public var firstUnansweredPingAt: Timestamp?
    /// When the last pong came back.
    public var lastPongAt: Timestamp?
    /// Smoothed round-trip time (EWMA, 1/4 weight on the newest sample).
    public var rtt: Duration?
    /// Pings that timed out since the last pong.
    public var lostPings = 0
    /// For relay paths: the session's state.
    public var relay: RelayPathStatus?
    /// For direct paths learnt at run time (the peer pinged us from it, or sent it in a CallMeMaybe): when.
    public var learntAt: Timestamp?

    /// A candidate with no probes yet.
    public init(id: PathID, label: String) {
        self.id = id
        self.label = label
        if case .relay = id { relay = .needsAllocation }
    }

    /// True while the last pong is younger than `window`.
    public func isTrusted(at now: Timestamp, window: Duration) -> Bool {
        guard let lastPongAt else { return false }
        return now - lastPongAt < window
    }

    /// True for a relay path that can carry packets now (bound), and for every other path.
    public var isUsable: Bool {
        guard let relay else { return true }
        return relay.vni != nil
    }

    mutating func recordPong(at now: Timestamp, rtt sample: Duration) {
        lastPongAt = now
        firstUnansweredPingAt = nil
        lostPings = 0
        rtt = rtt.map { ($0 * 3 + sample) / 4 } ?? sample
    }

    mutating func recordPing(at now: Timestamp) {
        lastPingAt = now
        if firstUnansweredPingAt == nil { firstUnansweredPingAt = now }
    }
}
