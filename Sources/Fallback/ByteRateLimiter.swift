public import RelayCore

/// A per-client token bucket over received bytes. The server does not drop over-budget packets: it stops reading
/// that client's socket for `pause` so TCP slows the sender down (docs/fallback-protocol.md §6).
public struct ByteRateLimiter: Sendable {
    /// Sustained bytes per second and burst bytes.
    public let rate: RateLimit
    private var tokens: Double
    private var updated: Timestamp

    /// A full bucket at `now`.
    public init(rate: RateLimit, now: Timestamp) {
        self.rate = rate
        self.tokens = rate.burst
        self.updated = now
    }

    /// Takes `bytes` from the bucket (it may go negative) and returns how long reading must pause until the debt
    /// is repaid; nil when no pause is needed.
    public mutating func consume(_ bytes: Int, now: Timestamp) -> Duration? {
        refill(now: now)
        tokens -= Double(bytes)
        guard tokens < 0 else { return nil }
        guard rate.perSecond > 0 else { return .seconds(3600) }
        return .nanoseconds(Int64((-tokens / rate.perSecond * 1e9).rounded(.up)))
    }

    /// Tokens available now (negative while in debt).
    public mutating func available(now: Timestamp) -> Double {
        refill(now: now)
        return tokens
    }

    private mutating func refill(now: Timestamp) {
        let elapsed = Double(max(0, now.nanoseconds &- updated.nanoseconds)) / 1e9
        tokens = min(rate.burst, tokens + elapsed * rate.perSecond)
        updated = now
    }
}
