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
    /// Longest delay between relay allocation retries. Applies only while the peer has a working path at least as
    /// good as a relay (a trusted direct path, or another relay); below that see `relayRetryBelowRelay`.
    public var relayRetryMaximum: Duration = .seconds(60)
    /// Longest time between the starts of two allocation attempts on a failing relay while the peer has nothing
    /// better than the fallback relay (data on the fallback, or no trusted path at all), whatever the backoff says.
    ///
    /// 5 s is the period Tailscale re-probes each better candidate at while it sits on DERP (`discoPingInterval`,
    /// heartbeat 3 s; recovery to the better path "≤ 3–5 s after it opens", research/client-path-and-fallback.md
    /// §1.3–1.5). A node on the fallback pays in throughput for every second it is not back on the relay, while an
    /// attempt on a relay that is down costs three small datagrams; so the node returns within about 5 s of its
    /// relay answering again, instead of up to `relayRetryMaximum` later.
    public var relayRetryBelowRelay: Duration = .seconds(5)
    /// Each node brings every `relayRetryBelowRelay` attempt forward by a random share of this (drawn per failure),
    /// so attempts start 3–5 s apart: the nodes that lost a restarted relay together spread their re-allocations
    /// over 2 s, twenty 100 ms ticks, instead of arriving in the same tick (Tailscale jitters its re-STUN the same
    /// way, 20–26 s, §1.3). Not more: a larger share would only add attempts on a relay that is still down.
    public var relayRetryJitter: Duration = .seconds(2)
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
