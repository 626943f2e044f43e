import CoreMetrics
import Metrics
public import Prometheus

/// A Prometheus registry plus the swift-metrics factory that feeds it.
///
/// Code records through swift-metrics (`Counter(label:dimensions:factory:)`, `Gauge`, …) with ``factory``; the admin
/// server renders ``registry`` as Prometheus text on `/metrics`. ``bootstrapGlobal()`` additionally routes every
/// library that uses the global `MetricsSystem` into the same registry (call once per process).
public struct TelemetryMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory recording into ``registry``.
    public let factory: PrometheusMetricsFactory

    /// Creates the factory over `registry` (a fresh one by default, so tests do not share counters).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Makes ``factory`` the process-wide swift-metrics backend. May be called only once per process.
    public func bootstrapGlobal() {
        MetricsSystem.bootstrap(factory)
    }

    /// The registry's current content in the Prometheus text exposition format (version 0.0.4).
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
