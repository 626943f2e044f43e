/// Exponential backoff with jitter for retrying a coordinator that does not answer: the n-th consecutive failure
/// waits `base × 2^(n-1)`, capped at `cap`, scaled by a random factor in [0.5, 1) so that many relays restarted
/// together do not retry in lockstep. Pure: the caller supplies the random number.
public struct RetryBackoff: Sendable, Equatable {
    /// The wait after the first failure (before jitter).
    public var base: Duration
    /// The longest wait (before jitter).
    public var cap: Duration

    /// Creates a backoff (defaults 250 ms doubling up to 5 s).
    public init(base: Duration = .milliseconds(250), cap: Duration = .seconds(5)) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `failures` consecutive failures (≥ 1), with `random` in [0, 1).
    public func delay(afterFailures failures: Int, random: Double) -> Duration {
        let exponent = min(max(failures, 1) - 1, 30)
        let full = min(cap, base * (1 << exponent))
        return full * (0.5 + 0.5 * min(max(random, 0), 1))
    }
}
