import Metrics

/// The operator's Prometheus metrics (through swift-metrics). API requests are counted by Kube, under
/// ``apiRequestsMetric`` for the reconciler's client.
struct OperatorMetrics: Sendable {
    let reconciles: Counter
    let errors: Counter
    let duration: Timer
    let coordinatorCalls: Counter
    let coordinatorErrors: Counter
    let applies: Counter

    /// The counter of the API requests reconciles send (GETs, finalizer patches, applies, deletes, status).
    static let apiRequestsMetric = "relay_operator_api_requests_total"

    init() {
        reconciles = Counter(label: "relay_operator_reconciles_total")
        errors = Counter(label: "relay_operator_reconcile_errors_total")
        duration = Timer(label: "relay_operator_reconcile_duration_seconds")
        coordinatorCalls = Counter(label: "relay_operator_coordinator_requests_total")
        coordinatorErrors = Counter(label: "relay_operator_coordinator_errors_total")
        applies = Counter(label: "relay_operator_applies_total")
    }
}
