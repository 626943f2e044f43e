/// Limits and lifetimes of a relay's session table. Pure values; the server fills them from flags or config.
public struct RelayLimits: Hashable, Sendable, Codable {
    /// Sessions in the table at once.
    public var maxSessions: Int
    /// Sessions one node key may have allocated at once.
    public var maxSessionsPerNode: Int
    /// A bound session with no data from either side for this long is removed.
    public var idleTimeout: Duration
    /// A session not bound on both sides this long after it was created is removed.
    public var bindTimeout: Duration
    /// Allocate requests per source IP.
    public var allocateRate: RateLimit
    /// Bind and Answer requests per source IP.
    public var bindRate: RateLimit
    /// Source IPs tracked by each rate limiter (memory bound; refilled buckets are forgotten first).
    public var maxTrackedSources: Int

    /// Limits; the defaults are relay-server's (docs/relay-server.md), and ``RelaySettings/defaults`` quotes them.
    public init(
        maxSessions: Int = 100_000, maxSessionsPerNode: Int = 256, idleTimeout: Duration = .seconds(30 * 60),
        bindTimeout: Duration = .seconds(30), allocateRate: RateLimit = RateLimit(perSecond: 20, burst: 40),
        bindRate: RateLimit = RateLimit(perSecond: 50, burst: 100), maxTrackedSources: Int = 65_536
    ) {
        self.maxSessions = maxSessions
        self.maxSessionsPerNode = maxSessionsPerNode
        self.idleTimeout = idleTimeout
        self.bindTimeout = bindTimeout
        self.allocateRate = allocateRate
        self.bindRate = bindRate
        self.maxTrackedSources = maxTrackedSources
    }

    /// Problems a user must fix before the relay can start; empty if the limits are usable.
    public var problems: [String] {
        var out: [String] = []
        if maxSessions < 1 || maxSessions >= Int(GeneveHeader.maximumVNI) {
            out.append("maxSessions must be 1…\(GeneveHeader.maximumVNI - 1), got \(maxSessions)")
        }
        if maxSessionsPerNode < 1 { out.append("maxSessionsPerNode must be at least 1, got \(maxSessionsPerNode)") }
        if idleTimeout < .seconds(1) { out.append("idleTimeout must be at least 1 s, got \(idleTimeout)") }
        if bindTimeout < .seconds(1) { out.append("bindTimeout must be at least 1 s, got \(bindTimeout)") }
        if maxTrackedSources < 1 { out.append("maxTrackedSources must be at least 1, got \(maxTrackedSources)") }
        return out
    }
}
