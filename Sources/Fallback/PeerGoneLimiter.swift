public import RelayCore

/// Limits PeerGone(notHere) replies to one per destination per `interval`, so a client that keeps sending to an
/// absent peer is told, but not once per packet. Bounded: forgets everything when it tracks `capacity` keys.
public struct PeerGoneLimiter: Sendable {
    private var lastSent: [PublicKey: Timestamp] = [:]
    /// Least time between two notices about one key.
    public let interval: Duration
    /// Most keys remembered.
    public let capacity: Int

    /// Creates a limiter.
    public init(interval: Duration = .seconds(1), capacity: Int = 64) {
        self.interval = interval
        self.capacity = capacity
    }

    /// Whether to send a notice about `key` now; records it when true.
    public mutating func shouldNotify(about key: PublicKey, now: Timestamp) -> Bool {
        if let last = lastSent[key], now - last < interval { return false }
        if lastSent.count >= capacity { lastSent.removeAll(keepingCapacity: true) }
        lastSent[key] = now
        return true
    }

    /// The key is present again: the next absence is reported at once.
    public mutating func forget(_ key: PublicKey) { lastSent[key] = nil }
}
