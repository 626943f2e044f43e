import RelayCore

/// The destinations one data-plane thread recently saw refuse a GSO write: the thread sends to them datagram by
/// datagram until the entry expires, and keeps GSO and coalescing for everyone else.
///
/// Per destination rather than GSO off for the whole thread: the refusals expected in practice belong to one path
/// (EINVAL for a segment larger than that route allows, EIO/EOPNOTSUPP from a device without checksum offload on
/// one route), so one refusal must not cost every other session its offload. Entries expire because routes and
/// MTUs change; a destination that is still refused after expiry (or after eviction from the full table) costs one
/// more refused write, which is resent datagram by datagram (nothing lost), and is remembered again. The table is
/// small and fixed (no allocation after creation) and is empty in the common case, so the hot path pays one branch.
/// Pure: time comes from the caller.
struct GSORefusals {
    /// How many destinations are remembered at once; a new refusal in a full table replaces the entry closest to
    /// expiring.
    let capacity: Int
    /// How long a refusing destination is sent to datagram by datagram.
    let holdPeriod: Duration
    private var entries: [(destination: EndpointAddress, until: Timestamp)] = []
    private var lastWarning: Timestamp?

    /// The relay's hold period.
    static let defaultHoldPeriod: Duration = .seconds(30)

    init(capacity: Int = 16, holdPeriod: Duration = defaultHoldPeriod) {
        precondition(capacity > 0, "GSORefusals needs room for at least one destination")
        self.capacity = capacity
        self.holdPeriod = holdPeriod
        entries.reserveCapacity(capacity)
    }

    /// True when no destination is avoided (the hot path's check).
    var isEmpty: Bool { entries.isEmpty }

    /// How many destinations are avoided.
    var count: Int { entries.count }

    /// Whether `destination` is to be sent to without GSO. Call ``expire(now:)`` first (once per batch).
    func avoids(_ destination: EndpointAddress) -> Bool {
        entries.contains { $0.destination == destination }
    }

    /// Forgets the destinations whose hold period is over, so that GSO is tried for them again.
    mutating func expire(now: Timestamp) {
        guard !entries.isEmpty else { return }
        entries.removeAll { $0.until <= now }
    }

    /// Remembers that `destination` refused a GSO write at `now` (again: the hold period restarts). Returns true
    /// when this refusal is to be logged: the first one of each hold period on this thread.
    mutating func record(_ destination: EndpointAddress, now: Timestamp) -> Bool {
        let until = now + holdPeriod
        if let index = entries.firstIndex(where: { $0.destination == destination }) {
            entries[index].until = until
        } else if entries.count < capacity {
            entries.append((destination, until))
        } else if let soonest = entries.indices.min(by: { entries[$0].until < entries[$1].until }) {
            entries[soonest] = (destination, until)
        }
        if let lastWarning, now < lastWarning + holdPeriod { return false }
        lastWarning = now
        return true
    }
}
