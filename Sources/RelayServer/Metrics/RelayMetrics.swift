public import CoreMetrics
import NIOConcurrencyHelpers
public import RelayCore
import Telemetry

/// Every metric the relay exports. Counters are created once; the data plane adds per read burst
/// (see ``BurstCounters``), the control path per message.
public final class RelayMetrics: Sendable {
    let forwardedPackets: [[Counter]]  // [in][out]
    let forwardedBytes: [[Counter]]
    let receivedPackets: [Counter]  // [transport]
    let receivedBytes: [Counter]
    let receivedTrains: [Counter]
    let drops: [Counter]  // indexed by DropReason.rawValue
    let sendQueueDrops: Counter
    let noRouteDrops: Counter
    let oversizeDrops: Counter
    /// STUN Binding Requests answered (nodes learning their reflexive address).
    let stunAnswers: Counter
    /// GSO writes (trains or coalesced runs) the kernel refused; each was resent datagram by datagram.
    let gsoRefusedWrites: Counter
    /// Datagrams sent one by one instead of in a GSO write because of a refusal.
    let gsoFallbackDatagrams: Counter
    let sessionsByState: [String: Gauge]
    let sessionsCreated: Counter
    let sessionsExpired: [String: Counter]
    let configReloads: [String: Counter]
    let sockets: Gauge
    let socketErrors: Counter
    let handshakeCounters: NIOLockedValueBox<[String: Counter]>
    let errorCounters: NIOLockedValueBox<[String: Counter]>
    let factory: any MetricsFactory

    /// Creates every metric on `factory` (the relay's Prometheus registry, or a test's).
    public init(factory: any MetricsFactory) {
        self.factory = factory
        forwardedPackets = Transport.allCases.map { input in
            Transport.allCases.map { output in
                Counter(
                    label: "relay_forwarded_packets_total",
                    dimensions: [("in", input.label), ("out", output.label)], factory: factory)
            }
        }
        forwardedBytes = Transport.allCases.map { input in
            Transport.allCases.map { output in
                Counter(
                    label: "relay_forwarded_bytes_total",
                    dimensions: [("in", input.label), ("out", output.label)], factory: factory)
            }
        }
        receivedPackets = Transport.allCases.map {
            Counter(label: "relay_received_packets_total", dimensions: [("transport", $0.label)], factory: factory)
        }
        receivedBytes = Transport.allCases.map {
            Counter(label: "relay_received_bytes_total", dimensions: [("transport", $0.label)], factory: factory)
        }
        receivedTrains = Transport.allCases.map {
            Counter(label: "relay_received_gro_trains_total", dimensions: [("transport", $0.label)], factory: factory)
        }
        let reasons = DropReason.allCases
        let maxRaw = Int(reasons.map(\.rawValue).max() ?? 0)
        var drops: [Counter] = []
        for raw in 0...maxRaw {
            let label = DropReason(rawValue: UInt8(raw))?.metricLabel ?? "reason_\(raw)"
            drops.append(
                Counter(label: "relay_dropped_packets_total", dimensions: [("reason", label)], factory: factory))
        }
        self.drops = drops
        sendQueueDrops = Counter(
            label: "relay_dropped_packets_total", dimensions: [("reason", "send_queue_full")], factory: factory)
        noRouteDrops = Counter(
            label: "relay_dropped_packets_total", dimensions: [("reason", "no_socket_for_family")], factory: factory)
        oversizeDrops = Counter(
            label: "relay_dropped_packets_total", dimensions: [("reason", "oversize")], factory: factory)
        stunAnswers = Counter(label: "relay_stun_answers_total", factory: factory)
        gsoRefusedWrites = Counter(label: "relay_gso_refused_writes_total", factory: factory)
        gsoFallbackDatagrams = Counter(label: "relay_gso_fallback_datagrams_total", factory: factory)
        var states: [String: Gauge] = [:]
        for state in ["binding", "open"] {
            states[state] = Gauge(label: "relay_sessions", dimensions: [("state", state)], factory: factory)
        }
        sessionsByState = states
        sessionsCreated = Counter(label: "relay_sessions_created_total", factory: factory)
        var expired: [String: Counter] = [:]
        for state in ["binding", "open"] {
            expired[state] = Counter(
                label: "relay_sessions_expired_total", dimensions: [("state", state)], factory: factory)
        }
        sessionsExpired = expired
        var reloads: [String: Counter] = [:]
        for result in ["ok", "error"] {
            reloads[result] = Counter(
                label: "relay_config_reloads_total", dimensions: [("result", result)], factory: factory)
        }
        configReloads = reloads
        sockets = Gauge(label: "relay_sockets", factory: factory)
        socketErrors = Counter(label: "relay_socket_errors_total", factory: factory)
        handshakeCounters = NIOLockedValueBox([:])
        errorCounters = NIOLockedValueBox([:])
    }

    /// Counts one Allocate, Bind or Answer by outcome (`ok`, an error code label or a drop reason label).
    public func recordHandshake(step: HandshakeStep, result: String) {
        counter(in: handshakeCounters, key: "\(step.rawValue)|\(result)") {
            Counter(
                label: "relay_handshakes_total", dimensions: [("step", step.rawValue), ("result", result)],
                factory: factory)
        }.increment()
    }

    /// Counts one sealed Error sent to a client.
    public func recordErrorSent(_ code: RelayErrorCode) {
        let label = RelayMetrics.label(code)
        counter(in: errorCounters, key: label) {
            Counter(label: "relay_errors_sent_total", dimensions: [("code", label)], factory: factory)
        }.increment()
    }

    /// Counts one dropped datagram outside the batched data path.
    public func recordDrop(_ reason: DropReason) {
        drops[Int(reason.rawValue)].increment()
    }

    /// Sets the session gauges.
    public func recordSessions(binding: Int, open: Int) {
        sessionsByState["binding"]?.record(binding)
        sessionsByState["open"]?.record(open)
    }

    private func counter(
        in box: NIOLockedValueBox<[String: Counter]>, key: String, make: () -> Counter
    ) -> Counter {
        box.withLockedValue { counters in
            if let existing = counters[key] { return existing }
            let created = make()
            counters[key] = created
            return created
        }
    }

    /// Stable snake_case label of an error code.
    public static func label(_ code: RelayErrorCode) -> String {
        switch code {
        case .malformedCertificate: "malformed_certificate"
        case .unknownCA: "unknown_ca"
        case .wrongTailnet: "wrong_tailnet"
        case .expiredCertificate: "expired_certificate"
        case .certificateNotYetValid: "certificate_not_yet_valid"
        case .wrongRole: "wrong_role"
        case .revoked: "revoked"
        case .keyMismatch: "key_mismatch"
        case .capacityGlobal: "capacity_global"
        case .capacityPerNode: "capacity_per_node"
        case .rateLimited: "rate_limited"
        case .unknownSession: "unknown_session"
        case .notSessionMember: "not_session_member"
        }
    }
}
