public import Interchange

/// The clocks a reconcile reads: monotonic time for waits, wall time for condition timestamps. Injected,
/// so tests fix both.
public struct ReconcileClock: Sendable {
    /// Monotonic now (hold-back and republish intervals).
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Wall-clock now (condition `lastTransitionTime`).
    public var wallTime: @Sendable () -> RFC3339Time

    /// Clocks from two closures.
    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant, wallTime: @escaping @Sendable () -> RFC3339Time
    ) {
        self.now = now
        self.wallTime = wallTime
    }

    /// The process's clocks.
    public static let system = ReconcileClock(now: { ContinuousClock.now }, wallTime: { .now })
}
