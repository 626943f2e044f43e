import CoreMetrics
public import Telemetry

/// The coordinator's Prometheus metrics, registered on one ``TelemetryMetrics`` registry.
public struct CoordinatorMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let telemetry: TelemetryMetrics
    let registrations: Counter
    let registrationFailures: Counter
    let netmapChanged: Counter
    let netmapNotModified: Counter
    let netmapVersion: Gauge
    let netmapWaiters: Gauge
    let requestErrors: Counter

    /// Creates the metrics on `telemetry`'s registry.
    public init(telemetry: TelemetryMetrics = TelemetryMetrics()) {
        self.telemetry = telemetry
        let factory = telemetry.factory
        registrations = Counter(label: "coordinator_registrations_total", factory: factory)
        registrationFailures = Counter(label: "coordinator_registration_failures_total", factory: factory)
        netmapChanged = Counter(
            label: "coordinator_netmap_responses_total", dimensions: [("result", "changed")], factory: factory)
        netmapNotModified = Counter(
            label: "coordinator_netmap_responses_total", dimensions: [("result", "not_modified")], factory: factory)
        netmapVersion = Gauge(label: "coordinator_netmap_version", factory: factory)
        netmapWaiters = Gauge(label: "coordinator_netmap_waiters", factory: factory)
        requestErrors = Counter(label: "coordinator_request_errors_total", factory: factory)
    }
}
