/// Exponential backoff with optional full jitter; pure so it is testable.
public enum Backoff {
    /// base × 2^(attempt-1), capped.
    public static func exponential(attempt: Int, base: Duration, cap: Duration) -> Duration {
        guard attempt > 0 else { return .zero }
        let shift = min(attempt - 1, 30)
        let value = base * (1 << shift)
        return min(value, cap)
    }

    /// The exponential delay scaled by a jitter factor in [1 - jitter, 1] drawn from `random`.
    public static func jittered(
        attempt: Int, base: Duration, cap: Duration, jitter: Double = 0.5,
        random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) -> Duration {
        let delay = exponential(attempt: attempt, base: base, cap: cap)
        let factor = random(max(0, 1 - jitter)...1)
        return delay * factor
    }
}
