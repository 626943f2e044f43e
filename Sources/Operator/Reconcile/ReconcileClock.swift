/// The clocks a reconcile reads: monotonic time for waits, wall time for condition timestamps. Injected,
/// so tests fix both.
public struct ReconcileClock: Sendable {
    /// Monotonic now (hold-back and republish intervals).
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Wall-clock now as RFC 3339 (condition `lastTransitionTime`).
    public var wallTime: @Sendable () -> String

    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant, wallTime: @escaping @Sendable () -> String
    ) {
        self.now = now
        self.wallTime = wallTime
    }

    /// The process's clocks.
    public static let system = ReconcileClock(now: { ContinuousClock.now }, wallTime: { RFC3339.now() })
}
