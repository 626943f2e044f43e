import Agent
import CoreMetrics
import Metrics

/// The agent's Prometheus metrics: bytes and packets by path kind and direction, path switches by reason, failover
/// durations, dropped datagrams by reason.
struct AgentMetrics: Sendable {
    let factory: any MetricsFactory

    func record(traffic: TrafficCounters, previous: TrafficCounters?) {
        for kind in PathKind.allCases {
            add("tailnet_agent_bytes_total", kind, "out", traffic.bytesOut[kind], previous?.bytesOut[kind])
            add("tailnet_agent_bytes_total", kind, "in", traffic.bytesIn[kind], previous?.bytesIn[kind])
            add("tailnet_agent_packets_total", kind, "out", traffic.packetsOut[kind], previous?.packetsOut[kind])
            add("tailnet_agent_packets_total", kind, "in", traffic.packetsIn[kind], previous?.packetsIn[kind])
        }
    }

    private func add(_ label: String, _ kind: PathKind, _ direction: String, _ now: UInt64?, _ before: UInt64?) {
        let delta = (now ?? 0) &- (before ?? 0)
        guard delta > 0, delta < UInt64(Int64.max) else { return }
        Counter(label: label, dimensions: [("kind", kind.description), ("direction", direction)], factory: factory)
            .increment(by: Int64(delta))
    }

    func switched(_ change: PathSwitch) {
        Counter(
            label: "tailnet_agent_path_switches_total",
            dimensions: [("reason", change.reason.rawValue), ("to", change.to?.kind.description ?? "none")],
            factory: factory
        ).increment()
        if let quiet = change.quietFor {
            Timer(label: "tailnet_agent_failover_seconds", factory: factory).recordNanoseconds(
                quiet.components.seconds * 1_000_000_000 + quiet.components.attoseconds / 1_000_000_000)
        }
    }

    func dropped(_ reason: String, count: UInt64 = 1) {
        Counter(label: "tailnet_agent_dropped_total", dimensions: [("reason", reason)], factory: factory)
            .increment(by: Int64(clamping: count))
    }
}
