/// A token-bucket rate: `perSecond` sustained, bursts of up to `burst` requests.
public struct RateLimit: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Tokens added per second.
    public var perSecond: Double
    /// Bucket size: requests allowed at once.
    public var burst: Double

    /// Creates a rate; `perSecond` ≥ 0 and `burst` ≥ 1.
    public init(perSecond: Double, burst: Double) {
        precondition(perSecond >= 0 && burst >= 1, "a rate limit needs perSecond ≥ 0 and burst ≥ 1")
        self.perSecond = perSecond
        self.burst = burst
    }

    public var description: String { "\(perSecond)/s (burst \(Int(burst)))" }
}
