/// Delays between reconnection attempts: exponential from `initial` to `maximum`, each with "equal jitter" (half
/// fixed, half random) so that thousands of clients of one restarted server do not return in lockstep. Pure: the
/// caller passes the random source.
public struct ReconnectBackoff: Sendable {
    /// First delay (before jitter).
    public var initial: Duration
    /// Largest delay (before jitter).
    public var maximum: Duration
    /// Failed attempts since the last success.
    public private(set) var attempts = 0

    /// Creates a backoff.
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30)) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt; counts the attempt.
    public mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(attempts, 30)
        attempts += 1
        var base = initial
        for _ in 0..<exponent where base < maximum { base = base * 2 }
        if base > maximum { base = maximum }
        let half = base / 2
        let jitterNanos = Int64.random(in: 0...max(0, nanoseconds(half)), using: &generator)
        return half + .nanoseconds(jitterNanos)
    }

    /// A success: the next failure starts from `initial` again.
    public mutating func reset() { attempts = 0 }

    private func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
