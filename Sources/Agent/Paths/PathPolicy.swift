/// The timings and thresholds of path selection. Defaults meet DESIGN.md §10's targets: a dead active path is
/// left within `trustWindow` (+ one tick) of its last pong, i.e. under 2 s without delivery, while Tailscale's
/// design allows 3.5–6.5 s (research/client-path-and-fallback.md §1.3).
public struct PathPolicy: Hashable, Sendable {
    /// Ping interval of the active path and of every trusted standby path while the session is active.
    public var heartbeatInterval: Duration = .milliseconds(500)
    /// A path is trusted for this long after each pong.
    public var trustWindow: Duration = .milliseconds(1500)
    /// An unanswered ping counts as lost after this long.
    public var pingTimeout: Duration = .seconds(2)
    /// Ping interval of untrusted candidates (better paths keep being probed) while the session is active.
    public var discoveryInterval: Duration = .seconds(2)
    /// No outbound data for this long makes the session idle: only keepalives go out.
    public var sessionActiveTimeout: Duration = .seconds(45)
    /// Keepalive interval of relay sessions and the active path while idle; also capped by a third of each
    /// relay's idle timeout, so no relay session ever expires under a node that means to use it.
    public var idleKeepaliveInterval: Duration = .seconds(10)
    /// A ready relay path with this long of unanswered pings is allocated and bound again (the relay restarted,
    /// or our NAT mapping changed).
    public var relayReallocateAfter: Duration = .seconds(3)
    /// First retry delay after a relay refused or did not answer; doubles up to `relayRetryMaximum`.
    public var relayRetryInterval: Duration = .seconds(5)
    /// Longest delay between relay allocation retries.
    public var relayRetryMaximum: Duration = .seconds(60)
    /// How often a CallMeMaybe goes through the fallback relay while no direct path is trusted.
    public var callMeMaybeInterval: Duration = .seconds(5)
    /// A path of the same kind replaces the active one only if its RTT is at most this fraction of the active RTT…
    public var clearlyBetterRatio: Double = 0.7
    /// … and at least this much faster (stickiness against jitter).
    public var clearlyBetterMargin: Duration = .milliseconds(5)
    /// A direct endpoint learnt at run time (from a peer's ping or CallMeMaybe) is forgotten after this long
    /// without an answer.
    public var runtimeCandidateLifetime: Duration = .seconds(45)

    /// The default timings (the values above).
    public init() {}
}
