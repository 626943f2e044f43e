/// The answer of a readiness check: ready, or not ready with a reason an operator can act on.
public enum Readiness: Sendable, Equatable {
    case ready
    case notReady(String)
}
