public import RelayCore

/// One path of one peer as `relayctl status` shows it.
public struct PathReport: Hashable, Sendable, Codable {
    /// "direct", "relay" or "fallback".
    public var kind: String
    /// Endpoint, relay name or fallback region.
    public var label: String
    /// "active", "standby" (trusted, ready to take over), "probing", "allocating", "failed", "idle".
    public var state: String
    /// Smoothed RTT in milliseconds, if it ever answered.
    public var rttMilliseconds: Double?
    /// Why this path is not the one in use, in words a user can act on (nil for the active path).
    public var whyNot: String?
}

/// One peer's path state as `relayctl status` shows it.
public struct PeerPathReport: Hashable, Sendable, Codable {
    /// The path in use ("direct 198.51.100.7:41641", "relay edge-0", "fallback default"), or nil.
    public var active: String?
    /// Kind of the path in use.
    public var activeKind: String?
    /// RTT of the path in use, in milliseconds.
    public var rttMilliseconds: Double?
    /// The forced kind, if any.
    public var forced: String?
    /// Every candidate, best kind first.
    public var paths: [PathReport]
    /// Why no better kind of path is in use, one line per kind (also when a kind has no candidate at all).
    public var whyNotBetter: [String]
}

extension PeerPaths {
    /// The report for `relayctl status`.
    public func report(at now: Timestamp) -> PeerPathReport {
        let sorted = candidates.values.sorted { lhs, rhs in
            (lhs.id.kind.rawValue, rhs.id.description) > (rhs.id.kind.rawValue, lhs.id.description)
        }
        let paths = sorted.map { candidate in
            PathReport(
                kind: candidate.id.kind.description, label: candidate.label, state: state(of: candidate, at: now),
                rttMilliseconds: candidate.rtt.map(Self.milliseconds),
                whyNot: candidate.id == active ? nil : whyNot(candidate, at: now))
        }
        var better: [String] = []
        let activeKind = active?.kind ?? .fallback
        for kind in PathKind.allCases.reversed() where kind > activeKind || active == nil {
            let ofKind = sorted.filter { $0.id.kind == kind }
            if ofKind.isEmpty {
                better.append(missing(kind))
            } else {
                better += ofKind.compactMap { whyNot($0, at: now) }
            }
        }
        let activeCandidate = active.flatMap { candidates[$0] }
        return PeerPathReport(
            active: activeCandidate.map { "\($0.id.kind) \($0.label)" }, activeKind: active?.kind.description,
            rttMilliseconds: activeCandidate?.rtt.map(Self.milliseconds), forced: forced?.description, paths: paths,
            whyNotBetter: better)
    }

    func state(of candidate: PathCandidate, at now: Timestamp) -> String {
        if candidate.id == active { return "active" }
        switch candidate.relay {
        case .allocating?: return "allocating"
        case .failed?: return "failed"
        case .untrusted?: return "refused"
        case .needsAllocation?: return "idle"
        default: break
        }
        if candidate.isTrusted(at: now, window: policy.trustWindow) { return "standby" }
        return candidate.lastPingAt == nil ? "idle" : "probing"
    }

    /// Why `candidate` is not in use, or nil if nothing stands in its way (it is active).
    func whyNot(_ candidate: PathCandidate, at now: Timestamp) -> String? {
        guard candidate.id != active else { return nil }
        let name = "\(candidate.id.kind) \(candidate.label)"
        if let forced, candidate.id.kind != forced {
            return "\(name): not used: --force-path \(forced)"
        }
        switch candidate.relay {
        case .needsAllocation?:
            return "\(name): no session allocated yet"
        case .allocating(let since)?:
            return "\(name): allocating a session (for \((now - since).secondsText) s)"
        case .failed(let failure, _, let backoff)?:
            var retryAt = backoff
            if case .relay(let relayID) = candidate.id { retryAt = relayRetryTime(relayID, backoff: backoff, now: now) }
            let retry = retryAt > now ? "; retry in \((retryAt - now).secondsText) s" : ""
            return "\(name): \(failure)\(retry)"
        case .untrusted(let why)?:
            return "\(name): refused: \(why)"
        default:
            break
        }
        if case .fallback = candidate.id, !fallbackConnected {
            return "\(name): not connected to the fallback relay"
        }
        if candidate.isTrusted(at: now, window: policy.trustWindow) {
            guard let active, let current = candidates[active] else { return "\(name): answering; taking over" }
            if candidate.id.kind < active.kind { return "\(name): answering (standby; \(active.kind) is better)" }
            let rtt = candidate.rtt.map { "\($0.millisecondsText) ms" } ?? "?"
            let activeRTT = current.rtt.map { "\($0.millisecondsText) ms" } ?? "?"
            return "\(name): answering at \(rtt), not clearly faster than \(current.label) (\(activeRTT))"
        }
        guard let firstUnanswered = candidate.firstUnansweredPingAt else {
            return "\(name): not probed yet"
        }
        let silent = (now - firstUnanswered).secondsText
        switch candidate.id {
        case .direct(let endpoint):
            if candidate.lastPongAt != nil {
                return "\(name): answered before, no answer from \(endpoint) for \(silent) s (path lost?)"
            }
            return
                "\(name): no answer from \(endpoint) for \(silent) s (peer behind endpoint-dependent NAT, or UDP blocked?)"
        case .relay:
            let vni = candidate.relay?.vni.map { " on session \($0)" } ?? ""
            return
                "\(name): bound\(vni), but the peer does not answer through it for \(silent) s (peer not bound yet, or relay restarted?)"
        case .fallback:
            return "\(name): the peer does not answer through the fallback relay for \(silent) s (peer offline?)"
        }
    }

    func missing(_ kind: PathKind) -> String {
        switch kind {
        case .direct: "direct: the peer published no endpoints and sent none (no STUN answer on its side?)"
        case .relay: "relay: no peer relay in the netmap for this node (none published, or the grants allow none)"
        case .fallback: "fallback: no fallback relay in the netmap"
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
