public import RelayCore

/// The path state of one peer: candidates, probes, the active path, and the decisions between them.
///
/// Pure: every method takes the current time, nothing reads a clock or touches a socket. The I/O layer calls
/// `tick` periodically (every 100 ms is plenty), carries out the returned `PathAction`s, feeds answers back
/// (`handlePong`, `relayReady`, `relayFailed`, …) and sends data on `dataPaths(at:)`.
///
/// Rules (DESIGN.md §10): direct beats peer relay beats fallback; among relays the lowest RTT wins, sticky unless
/// clearly better; a path is trusted for `trustWindow` after each pong; the active path and trusted standbys are
/// pinged every `heartbeatInterval`; when the active path goes quiet, data moves to the best trusted path at once;
/// better paths keep being probed and win as soon as they answer.
public struct PeerPaths: Sendable {
    /// The peer's control key (the key of its node certificate).
    public let peer: PublicKey
    /// The timings this peer's paths are judged by.
    public var policy: PathPolicy
    /// Every candidate, by path.
    public private(set) var candidates: [PathID: PathCandidate] = [:]
    /// The path data goes on; nil before any path answered.
    public private(set) var active: PathID?
    /// Only paths of this kind are used (`--force-path`).
    public private(set) var forced: PathKind?
    /// Whether the fallback relay connection is up (the I/O layer says).
    public private(set) var fallbackConnected = false
    /// When the last switch happened (nil: never).
    public private(set) var lastSwitch: PathSwitch?
    var pending: [TransactionID: PendingPing] = [:]
    var lastOutboundAt: Timestamp?
    var lastCallMeMaybeAt: Timestamp?
    /// Per relay: the exponential backoff's next delay (while a path at least as good as a relay works).
    var relayRetryDelay: [String: Duration] = [:]
    /// Per failed relay: when it is retried while the peer is below a relay (`PathPolicy.relayRetryBelowRelay`).
    var relayQuickRetryAt: [String: Timestamp] = [:]
    /// Per relay: how the netmap said to reach it (key and endpoint); a change resets its backoff.
    var relayRevision: [String: String] = [:]

    struct PendingPing: Hashable, Sendable {
        var path: PathID
        var sentAt: Timestamp
    }

    /// Largest number of pings in flight per peer (older ones are forgotten first).
    static let maximumPending = 256

    /// A peer with no candidates yet.
    public init(peer: PublicKey, policy: PathPolicy = PathPolicy(), forced: PathKind? = nil) {
        self.peer = peer
        self.policy = policy
        self.forced = forced
    }

    // MARK: Inputs from the netmap and the I/O layer

    /// Replaces the candidates from the netmap: the peer's published endpoints, the relays this node may use
    /// (id → name, and `revision`: how it is reached, e.g. its key and endpoint) and the fallback region. Probe
    /// history of paths that stay is kept; run-time direct candidates stay until they expire. A relay whose
    /// revision changed (republished with another endpoint or key) is worth trying at once: its backoff is reset
    /// and a failed one is allocated at the next tick. Returns a switch when the active path disappeared.
    public mutating func setCandidates(
        direct: [EndpointAddress], relays: [(id: String, name: String, revision: String)], fallback: String?,
        now: Timestamp
    ) -> [PathAction] {
        var next: [PathID: PathCandidate] = [:]
        for endpoint in direct {
            next[.direct(endpoint)] =
                candidates[.direct(endpoint)] ?? PathCandidate(id: .direct(endpoint), label: "\(endpoint)")
            next[.direct(endpoint)]?.learntAt = nil
        }
        for (id, candidate) in candidates where candidate.learntAt != nil && next[id] == nil {
            next[id] = candidate
        }
        for relay in relays {
            var candidate = candidates[.relay(relay.id)] ?? PathCandidate(id: .relay(relay.id), label: relay.name)
            candidate.label = relay.name
            if let previous = relayRevision[relay.id], previous != relay.revision {
                relayRetryDelay[relay.id] = nil
                relayQuickRetryAt[relay.id] = nil
                if case .failed? = candidate.relay { candidate.relay = .needsAllocation }
            }
            relayRevision[relay.id] = relay.revision
            next[.relay(relay.id)] = candidate
        }
        if let fallback {
            next[.fallback(fallback)] =
                candidates[.fallback(fallback)] ?? PathCandidate(id: .fallback(fallback), label: fallback)
        }
        if candidates.isEmpty, !next.isEmpty, lastOutboundAt == nil {
            // A peer that just appeared is probed as if active, so both sides punch at about the same time.
            lastOutboundAt = now
        }
        candidates = next
        pending = pending.filter { next[$0.value.path] != nil }
        relayRetryDelay = relayRetryDelay.filter { next[.relay($0.key)] != nil }
        relayQuickRetryAt = relayQuickRetryAt.filter { next[.relay($0.key)] != nil }
        relayRevision = relayRevision.filter { next[.relay($0.key)] != nil }
        if let active, next[active] == nil {
            return switchTo(bestPath(at: now), reason: .removed, now: now)
        }
        return []
    }

    /// Marks the relays whose certificates this node refuses (relay id → why, from `RelayCertificateCheck`):
    /// no session is allocated on them, and data leaves a refused active relay at once. Relays no longer in
    /// `refusals` are allocated again. Call after `setCandidates` and whenever the trust changes.
    public mutating func setRelayRefusals(_ refusals: [String: String], now: Timestamp) -> [PathAction] {
        for (id, candidate) in candidates {
            guard case .relay(let relayID) = id, let status = candidate.relay else { continue }
            if let why = refusals[relayID] {
                guard status != .untrusted(why: why) else { continue }
                candidates[id]?.relay = .untrusted(why: why)
                candidates[id]?.lastPongAt = nil
                candidates[id]?.firstUnansweredPingAt = nil
                pending = pending.filter { $0.value.path != id }
            } else if case .untrusted = status {
                candidates[id]?.relay = .needsAllocation
                relayRetryDelay[relayID] = nil
            }
        }
        if let active, case .untrusted? = candidates[active]?.relay {
            return switchTo(bestPath(at: now), reason: .untrustedRelay, now: now)
        }
        return []
    }

    /// The fallback relay connection came up or went down.
    public mutating func setFallbackConnected(_ connected: Bool) {
        fallbackConnected = connected
    }

    /// Forces a path kind (nil: automatic). Re-evaluates at once.
    public mutating func force(_ kind: PathKind?, now: Timestamp) -> [PathAction] {
        forced = kind
        let best = bestPath(at: now)
        guard best != active else { return [] }
        return switchTo(best, reason: .forced, now: now)
    }

    /// WireGuard sent data to this peer: the session is active (heartbeats run). After an idle spell every
    /// candidate is probed at the next tick.
    public mutating func noteOutbound(at now: Timestamp) {
        if !isSessionActive(at: now) {
            for id in candidates.keys { candidates[id]?.lastPingAt = nil }
        }
        lastOutboundAt = now
    }

    /// The peer pinged us directly from `source`: remember it as a direct candidate (hole punching finds the
    /// address the peer's NAT really uses). The I/O layer answers the ping with a Pong itself.
    public mutating func handleDirectPing(from source: EndpointAddress, now: Timestamp) {
        learn(source, now: now)
    }

    /// The peer sent a CallMeMaybe: it is pinging us now; ping all its endpoints at once.
    public mutating func handleCallMeMaybe(_ endpoints: [EndpointAddress], now: Timestamp) -> [PathAction] {
        noteOutbound(at: now)
        for endpoint in endpoints { learn(endpoint, now: now) }
        var actions: [PathAction] = []
        for (id, candidate) in candidates.sorted(by: { $0.key.description < $1.key.description })
        where id.kind == .direct && candidate.lastPingAt.map({ now - $0 >= .milliseconds(100) }) ?? true {
            actions.append(ping(id, now: now))
        }
        return actions
    }

    /// A Pong arrived on `path` (its kind: direct from any address, the relay's VNI, the fallback). Returns nil
    /// when the transaction id is unknown or the pong came on a path of another kind than the ping (it does not
    /// prove the pinged path).
    public mutating func handlePong(_ transaction: TransactionID, via path: PathKind, now: Timestamp) -> [PathAction]? {
        guard let ping = pending[transaction], ping.path.kind == path, candidates[ping.path] != nil else { return nil }
        pending[transaction] = nil
        candidates[ping.path]?.recordPong(at: now, rtt: now - ping.sentAt)
        if case .relay(let id) = ping.path { relayRetryDelay[id] = nil }
        return reevaluate(at: now)
    }

    /// The relay session with the peer is allocated and bound.
    public mutating func relayReady(_ relayID: String, vni: UInt32, idleTimeout: Duration, now: Timestamp) {
        guard let status = candidates[.relay(relayID)]?.relay, !status.isUntrusted else { return }
        candidates[.relay(relayID)]?.relay = .ready(vni: vni, idleTimeout: idleTimeout, since: now)
        candidates[.relay(relayID)]?.lastPingAt = nil
    }

    /// Allocating or binding through the relay failed. Retried with exponential backoff while the peer has a
    /// working path at least as good as a relay; below that (fallback, or nothing) at most
    /// `PathPolicy.relayRetryBelowRelay` after this attempt started, brought forward by `randomUnit` (0 ≤ x < 1)
    /// of `PathPolicy.relayRetryJitter`.
    public mutating func relayFailed(
        _ relayID: String, _ failure: RelayFailure, now: Timestamp, randomUnit: Double = .random(in: 0..<1)
    ) -> [PathAction] {
        guard let status = candidates[.relay(relayID)]?.relay, !status.isUntrusted else { return [] }
        let delay = relayRetryDelay[relayID] ?? policy.relayRetryInterval
        relayRetryDelay[relayID] = min(delay * 2, policy.relayRetryMaximum)
        var started = now
        if case .allocating(let since) = status { started = since }
        let unit = min(max(randomUnit, 0), 1)
        let quick = started + policy.relayRetryBelowRelay - policy.relayRetryJitter * unit
        relayQuickRetryAt[relayID] = max(now, quick)
        candidates[.relay(relayID)]?.relay = .failed(failure, at: now, retryAt: now + delay)
        candidates[.relay(relayID)]?.lastPongAt = nil
        return reevaluate(at: now)
    }

    // MARK: Time

    /// Expires pings, schedules probes, relay (re-)allocations and CallMeMaybes, and re-evaluates the active path.
    public mutating func tick(at now: Timestamp) -> [PathAction] {
        var actions: [PathAction] = []
        expirePings(at: now)
        expireLearnt(at: now)
        let sessionActive = isSessionActive(at: now)
        for id in candidates.keys.sorted(by: { $0.description < $1.description }) {
            guard let candidate = candidates[id] else { continue }
            if let relay = candidate.relay, case .relay(let relayID) = id {
                if let action = relayStep(relayID, relay, candidate, now: now) {
                    actions.append(action)
                    continue
                }
                if relay.vni == nil { continue }
            }
            if case .fallback = id, !fallbackConnected { continue }
            guard let interval = probeInterval(candidate, sessionActive: sessionActive, now: now) else { continue }
            if candidate.lastPingAt.map({ now - $0 >= interval }) ?? true {
                actions.append(ping(id, now: now))
            }
        }
        if sessionActive, fallbackConnected, forced == nil || forced == .direct, active?.kind != .direct,
            lastCallMeMaybeAt.map({ now - $0 >= policy.callMeMaybeInterval }) ?? true
        {
            lastCallMeMaybeAt = now
            actions.append(.callMeMaybe)
        }
        actions += reevaluate(at: now)
        return actions
    }

    /// True while the peer has no working path at least as good as a relay: no active path, the fallback, or an
    /// active path that stopped answering (data then also goes to the fallback). Failing relays are retried often
    /// then (`PathPolicy.relayRetryBelowRelay`).
    public func isBelowRelay(at now: Timestamp) -> Bool {
        guard let active, active.kind >= .relay, let current = candidates[active], current.isUsable,
            current.isTrusted(at: now, window: policy.trustWindow)
        else { return true }
        return false
    }

    /// When a relay that failed at `retryAt`'s attempt is tried again: the backoff's time, or sooner while the
    /// peer is below a relay.
    func relayRetryTime(_ relayID: String, backoff retryAt: Timestamp, now: Timestamp) -> Timestamp {
        guard isBelowRelay(at: now), let quick = relayQuickRetryAt[relayID] else { return retryAt }
        return min(retryAt, quick)
    }

    /// Whether WireGuard sent data to this peer within `sessionActiveTimeout`.
    public func isSessionActive(at now: Timestamp) -> Bool {
        lastOutboundAt.map { now - $0 < policy.sessionActiveTimeout } ?? false
    }

    // MARK: Data

    /// The paths to send a data packet on now: the active path while trusted; otherwise the last active path
    /// *and* the fallback relay (so traffic flows while the paths are re-probed — WireGuard drops duplicates).
    /// Under `--force-path` only paths of that kind.
    public func dataPaths(at now: Timestamp) -> [PathID] {
        if let active, candidates[active]?.isTrusted(at: now, window: policy.trustWindow) == true {
            return [active]
        }
        var paths: [PathID] = []
        if let active, candidates[active]?.isUsable == true { paths.append(active) }
        if forced == nil || forced == .fallback, fallbackConnected,
            let fallback = candidates.keys.first(where: { $0.kind == .fallback }), !paths.contains(fallback)
        {
            paths.append(fallback)
        }
        return paths
    }

    // MARK: Decisions

    /// The best trusted path (nil: none is trusted).
    func bestPath(at now: Timestamp) -> PathID? {
        let trusted = candidates.values.filter {
            $0.isUsable && $0.isTrusted(at: now, window: policy.trustWindow) && (forced == nil || $0.id.kind == forced)
        }
        guard let topKind = trusted.map(\.id.kind).max() else { return nil }
        let tier = trusted.filter { $0.id.kind == topKind }.sorted { lhs, rhs in
            (lhs.rtt ?? .seconds(3600), lhs.id.description) < (rhs.rtt ?? .seconds(3600), rhs.id.description)
        }
        guard let fastest = tier.first else { return nil }
        if let active, let current = tier.first(where: { $0.id == active }), current.id != fastest.id,
            let currentRTT = current.rtt, let fastestRTT = fastest.rtt,
            !(fastestRTT <= currentRTT * policy.clearlyBetterRatio
                && currentRTT - fastestRTT >= policy.clearlyBetterMargin)
        {
            return active
        }
        return fastest.id
    }

    mutating func reevaluate(at now: Timestamp) -> [PathAction] {
        let best = bestPath(at: now)
        guard best != active else { return [] }
        guard let best else {
            // Nothing trusted: keep the last active path (data also goes to the fallback, see dataPaths).
            return []
        }
        guard let current = active, let currentCandidate = candidates[current] else {
            return switchTo(best, reason: .firstPath, now: now)
        }
        if forced != nil, current.kind != forced { return switchTo(best, reason: .forced, now: now) }
        if best.kind > current.kind { return switchTo(best, reason: .upgrade, now: now) }
        if !currentCandidate.isTrusted(at: now, window: policy.trustWindow) || !currentCandidate.isUsable {
            return switchTo(best, reason: .failover, now: now)
        }
        return switchTo(best, reason: .fasterPath, now: now)
    }

    mutating func switchTo(_ path: PathID?, reason: PathSwitch.Reason, now: Timestamp) -> [PathAction] {
        var quiet: Duration?
        if reason == .failover, let current = active, let lastPong = candidates[current]?.lastPongAt {
            quiet = now - lastPong
        }
        let change = PathSwitch(from: active, to: path, reason: reason, quietFor: quiet)
        active = path
        lastSwitch = change
        return [.switched(change)]
    }

    // MARK: Probing

    func probeInterval(_ candidate: PathCandidate, sessionActive: Bool, now: Timestamp) -> Duration? {
        if let forced, candidate.id.kind != forced { return nil }
        let isActive = candidate.id == active
        let trusted = candidate.isTrusted(at: now, window: policy.trustWindow)
        if sessionActive {
            return isActive || trusted ? policy.heartbeatInterval : policy.discoveryInterval
        }
        var keepalive = policy.idleKeepaliveInterval
        if case .ready(_, let idleTimeout, _)? = candidate.relay {
            keepalive = min(keepalive, idleTimeout / 3)
            return keepalive
        }
        return isActive ? keepalive : nil
    }

    mutating func ping(_ path: PathID, now: Timestamp) -> PathAction {
        let transaction = TransactionID.random()
        if pending.count >= Self.maximumPending,
            let oldest = pending.min(by: { $0.value.sentAt < $1.value.sentAt })?.key
        {
            pending[oldest] = nil
        }
        pending[transaction] = PendingPing(path: path, sentAt: now)
        candidates[path]?.recordPing(at: now)
        return .ping(path, transaction)
    }

    mutating func expirePings(at now: Timestamp) {
        for (transaction, ping) in pending where now - ping.sentAt >= policy.pingTimeout {
            pending[transaction] = nil
            candidates[ping.path]?.lostPings += 1
        }
    }

    mutating func expireLearnt(at now: Timestamp) {
        for (id, candidate) in candidates where candidate.learntAt != nil && id != active {
            let lastSign = max(candidate.learntAt!, candidate.lastPongAt ?? candidate.learntAt!)
            if now - lastSign >= policy.runtimeCandidateLifetime { candidates[id] = nil }
        }
    }

    mutating func learn(_ endpoint: EndpointAddress, now: Timestamp) {
        let id = PathID.direct(endpoint)
        if candidates[id] == nil {
            var candidate = PathCandidate(id: id, label: "\(endpoint)")
            candidate.learntAt = now
            candidates[id] = candidate
        } else if candidates[id]?.learntAt != nil {
            candidates[id]?.learntAt = now
        }
    }

    /// The relay allocation step of a relay candidate, if one is due.
    mutating func relayStep(_ relayID: String, _ status: RelayPathStatus, _ candidate: PathCandidate, now: Timestamp)
        -> PathAction?
    {
        if let forced, forced != .relay { return nil }
        switch status {
        case .needsAllocation:
            break
        case .allocating(let since):
            // A lost report must not wedge the path: ask again after a generous bound.
            guard now - since >= policy.relayRetryMaximum else { return nil }
        case .failed(_, _, let retryAt):
            guard now >= relayRetryTime(relayID, backoff: retryAt, now: now) else { return nil }
        case .untrusted:
            return nil
        case .ready(_, _, let since):
            let lastSign = max(since, candidate.lastPongAt ?? since)
            var after =
                relayRetryDelay[relayID].map { max($0, policy.relayReallocateAfter) } ?? policy.relayReallocateAfter
            if isBelowRelay(at: now) {
                after = min(after, max(policy.relayReallocateAfter, policy.relayRetryBelowRelay))
            }
            guard candidate.lostPings >= 2, now - lastSign >= after else { return nil }
            // Silent again after a re-allocation: back off (the peer may be gone rather than the relay).
            relayRetryDelay[relayID] = min(
                (relayRetryDelay[relayID] ?? policy.relayRetryInterval) * 2, policy.relayRetryMaximum)
        }
        candidates[.relay(relayID)]?.relay = .allocating(since: now)
        return .allocateRelay(relayID: relayID)
    }
}
