import CoreMetrics
import Fallback
public import Telemetry

/// The fallback server's Prometheus metrics (docs/fallback.md §Metrics).
public struct FallbackMetrics: Sendable {
    /// The registry the metrics live in.
    public let telemetry: TelemetryMetrics
    let clients: Gauge
    let packetsIn: Counter
    let packetsOut: Counter
    let bytesIn: Counter
    let bytesOut: Counter
    let dropQueueFull: Counter
    let dropNoPeer: Counter
    let dropClosed: Counter
    let dropControlFull: Counter
    let admitted: Counter
    let writeTimeouts: Counter
    let requestTimeouts: Counter
    let rateLimitPauses: Counter

    /// Creates the metrics on `telemetry`'s registry.
    public init(telemetry: TelemetryMetrics = TelemetryMetrics()) {
        self.telemetry = telemetry
        let factory = telemetry.factory
        clients = Gauge(label: "fallback_clients", factory: factory)
        packetsIn = Counter(label: "fallback_packets_total", dimensions: [("direction", "in")], factory: factory)
        packetsOut = Counter(label: "fallback_packets_total", dimensions: [("direction", "out")], factory: factory)
        bytesIn = Counter(label: "fallback_bytes_total", dimensions: [("direction", "in")], factory: factory)
        bytesOut = Counter(label: "fallback_bytes_total", dimensions: [("direction", "out")], factory: factory)
        dropQueueFull = Counter(label: "fallback_drops_total", dimensions: [("reason", "queue_full")], factory: factory)
        dropNoPeer = Counter(label: "fallback_drops_total", dimensions: [("reason", "no_peer")], factory: factory)
        dropClosed = Counter(label: "fallback_drops_total", dimensions: [("reason", "closed")], factory: factory)
        dropControlFull = Counter(
            label: "fallback_drops_total", dimensions: [("reason", "control_queue_full")], factory: factory)
        admitted = Counter(label: "fallback_admissions_total", dimensions: [("result", "accepted")], factory: factory)
        writeTimeouts = Counter(label: "fallback_write_timeouts_total", factory: factory)
        requestTimeouts = Counter(label: "fallback_request_timeouts_total", factory: factory)
        rateLimitPauses = Counter(label: "fallback_rate_limit_pauses_total", factory: factory)
        // Make the labelled families visible before the first event.
        for reason in CloseReason.allCases {
            _ = Counter(
                label: "fallback_disconnects_total", dimensions: [("reason", reason.metricLabel)], factory: factory)
        }
    }

    func refused(_ reason: CloseReason) {
        Counter(
            label: "fallback_admissions_total", dimensions: [("result", reason.metricLabel)],
            factory: telemetry.factory
        ).increment()
    }

    func disconnected(_ reason: String) {
        Counter(label: "fallback_disconnects_total", dimensions: [("reason", reason)], factory: telemetry.factory)
            .increment()
    }

    func violation(_ violation: ProtocolViolation) {
        Counter(
            label: "fallback_protocol_errors_total", dimensions: [("reason", violation.metricLabel)],
            factory: telemetry.factory
        ).increment()
    }

    func peerGone(_ reason: PeerGoneReason) {
        Counter(
            label: "fallback_peer_gone_frames_total",
            dimensions: [("reason", reason == .disconnected ? "disconnected" : "not_here")],
            factory: telemetry.factory
        ).increment()
    }
}
