/// Monotonic counters of a session table (exported as metrics by the server).
public struct RelayCounters: Sendable, Hashable {
    /// Drops indexed by `DropReason.rawValue`.
    var drops: [UInt64] = Array(repeating: 0, count: DropReason.allCases.count)
    /// Data datagrams forwarded.
    public internal(set) var forwardedPackets: UInt64 = 0
    /// Bytes of forwarded data datagrams.
    public internal(set) var forwardedBytes: UInt64 = 0
    /// Sessions allocated.
    public internal(set) var sessionsCreated: UInt64 = 0
    /// Bound sessions removed after the idle timeout.
    public internal(set) var sessionsExpiredIdle: UInt64 = 0
    /// Sessions removed because both sides did not bind in time.
    public internal(set) var sessionsExpiredUnbound: UInt64 = 0
    /// Sessions removed because a side's serial was revoked.
    public internal(set) var sessionsEndedRevoked: UInt64 = 0
    /// Sessions removed because a side's certificate expired.
    public internal(set) var sessionsEndedExpired: UInt64 = 0
    /// Sessions removed because a side's CA key is no longer trusted.
    public internal(set) var sessionsEndedUntrustedCA: UInt64 = 0
    /// Unprompted sealed Errors sent to the sides of ended sessions.
    public internal(set) var sessionEndNotices: UInt64 = 0
    /// Allocate requests accepted.
    public internal(set) var allocations: UInt64 = 0
    /// Challenges sent (Bind accepted).
    public internal(set) var challenges: UInt64 = 0
    /// Answers accepted (a side bound).
    public internal(set) var binds: UInt64 = 0
    /// Answers that moved a bound side to a new address.
    public internal(set) var rebinds: UInt64 = 0
    /// Sealed Errors sent in reply.
    public internal(set) var errorsSent: UInt64 = 0
    /// Replies shortened (endpoints or error text dropped) to stay no larger than the request.
    public internal(set) var repliesTruncated: UInt64 = 0

    /// Datagrams dropped for `reason`.
    public func drops(_ reason: DropReason) -> UInt64 { drops[Int(reason.rawValue)] }

    /// All drops.
    public var totalDrops: UInt64 { drops.reduce(0, &+) }

    @inline(__always)
    mutating func count(_ reason: DropReason) {
        drops[Int(reason.rawValue)] &+= 1
    }
}
