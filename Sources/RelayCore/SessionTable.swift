/// The relay's session state machine (PROTOCOL.md §6). A value type with no locks, no clock and no I/O: every call
/// takes `now` and returns what to send. The server wraps it (lock or shard) and carries the actions out.
///
/// Data path: `route(vni:source:byteCount:now:)` is O(1) and allocation-free.
public struct SessionTable: Sendable {
    /// The configuration in effect (replaced by reloads).
    public private(set) var configuration: RelayConfiguration
    private(set) var verifier: CertificateVerifier
    var cookies: BindCookieJar
    var allocateLimiter: SourceRateLimiter
    var bindLimiter: SourceRateLimiter

    var sessions = SessionStore()
    /// Certificate subjects of session sides (shared between a node's sessions).
    var subjects = SubjectNames()
    /// Sessions each key has allocated (for the per-node cap).
    var allocatedPerNode: [PublicKey: Int] = [:]
    var nextVNI: UInt32 = 1
    /// Monotonic counters since the table was created.
    public internal(set) var counters = RelayCounters()

    /// A table for `configuration`, starting at `now` (cookie secret rotation counts from here).
    public init(configuration: RelayConfiguration, now: Timestamp) {
        self.configuration = configuration
        self.verifier = configuration.verifier
        self.cookies = BindCookieJar(now: now)
        self.allocateLimiter = SourceRateLimiter(
            rate: configuration.limits.allocateRate, maxSources: configuration.limits.maxTrackedSources)
        self.bindLimiter = SourceRateLimiter(
            rate: configuration.limits.bindRate, maxSources: configuration.limits.maxTrackedSources)
    }

    /// Applies a new configuration (trusted CAs, revocations, endpoints, limits). New requests are checked against
    /// it; existing sessions are rechecked at once (`revalidate(now:)`): a session with a side whose CA key is no
    /// longer trusted or whose serial is now revoked (or whose certificate expired) is removed and returned with
    /// the sealed Errors to send. The relay key must not change (sessions hold keys derived from it).
    public mutating func reconfigure(_ configuration: RelayConfiguration, now: Timestamp) -> [SessionEnd] {
        precondition(
            configuration.relayKey.publicKey == self.configuration.relayKey.publicKey,
            "the relay key cannot change while sessions exist; restart the relay")
        self.configuration = configuration
        self.verifier = configuration.verifier
        allocateLimiter.rate = configuration.limits.allocateRate
        allocateLimiter.maxSources = configuration.limits.maxTrackedSources
        bindLimiter.rate = configuration.limits.bindRate
        bindLimiter.maxSources = configuration.limits.maxTrackedSources
        return revalidate(now: now)
    }

    /// The relay's public key (clients seal control messages to it).
    public var relayPublicKey: PublicKey { configuration.relayKey.publicKey }

    /// Sessions in the table.
    public var sessionCount: Int { sessions.count }

    /// Sessions bound on both sides.
    public var openSessionCount: Int { sessions.values.reduce(0) { $0 + ($1.isOpen ? 1 : 0) } }

    /// Routes a data datagram (Geneve O = 0) of `byteCount` bytes on `vni` from `source`. O(1), no allocation.
    @inline(__always)
    public mutating func route(vni: UInt32, source: EndpointAddress, byteCount: Int, now: Timestamp) -> Route {
        guard let index = sessions.index(forKey: vni) else {
            counters.count(.unknownSession)
            return .drop(.unknownSession)
        }
        let route = sessions.values[index].route(source: source, byteCount: byteCount, now: now)
        switch route {
        case .forward:
            counters.forwardedPackets &+= 1
            counters.forwardedBytes &+= UInt64(truncatingIfNeeded: byteCount)
        case .drop(let reason):
            counters.count(reason)
        }
        return route
    }

    /// Handles any received datagram: classifies it, routes data, handles control. Data never allocates.
    public mutating func handle(_ datagram: UnsafeRawBufferPointer, from source: EndpointAddress, now: Timestamp)
        -> RelayAction
    {
        let classified: Datagram
        do {
            classified = try DatagramParser.classify(datagram)
        } catch {
            counters.count(error)
            return .drop(error)
        }
        guard case .control(let sender) = classified.kind else {
            switch route(vni: classified.vni, source: source, byteCount: datagram.count, now: now) {
            case .forward(let destination): return .forward(destination)
            case .drop(let reason): return .drop(reason)
            }
        }
        let result = handleControl(datagram, header: classified.header, sender: sender, from: source, now: now)
        if let reply = result.reply { return .reply(reply, result.event) }
        if case .dropped(let reason) = result.event { return .drop(reason) }
        return .none(result.event)
    }

    /// Removes sessions that timed out (bind timeout or idle). Call periodically (e.g. every few seconds); returns
    /// what was removed.
    @discardableResult
    public mutating func expire(now: Timestamp) -> [(vni: UInt32, reason: ExpiryReason)] {
        var removed: [(vni: UInt32, reason: ExpiryReason)] = []
        for session in sessions.values {
            if let reason = session.expiry(now: now, limits: configuration.limits) {
                removed.append((session.vni, reason))
            }
        }
        for (vni, reason) in removed {
            removeSession(vni: vni)
            switch reason {
            case .idle: counters.sessionsExpiredIdle &+= 1
            case .bindTimeout: counters.sessionsExpiredUnbound &+= 1
            }
        }
        allocateLimiter.prune(now: now)
        bindLimiter.prune(now: now)
        cookies.rotateIfNeeded(now: now)
        return removed
    }

    mutating func removeSession(vni: UInt32) {
        guard let session = sessions.removeValue(forKey: vni) else { return }
        for side in [session.sides.0, session.sides.1] where side.isAllocated {
            subjects.release(side.subject)
            let remaining = (allocatedPerNode[side.key] ?? 1) - 1
            allocatedPerNode[side.key] = remaining > 0 ? remaining : nil
        }
    }

    /// Next free VNI after the last one handed out (sequential, wrapping, never 0). Nil only if every VNI is used.
    mutating func takeVNI() -> UInt32? {
        let limit = Int(GeneveHeader.maximumVNI)
        for _ in 0..<min(limit, sessions.count + 1) {
            let candidate = nextVNI
            nextVNI = candidate >= GeneveHeader.maximumVNI ? 1 : candidate + 1
            if sessions[candidate] == nil { return candidate }
        }
        return nil
    }
}
