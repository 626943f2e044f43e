import CoreMetrics
import NIOConcurrencyHelpers

/// Metrics of membership enforcement: sessions ended because a certificate stopped holding, and how fresh the
/// revocation list from the coordinator is.
public final class TrustMetrics: Sendable {
    let factory: any MetricsFactory
    private let ended = NIOLockedValueBox<[String: Counter]>([:])
    /// Seconds since the revocation list in force was fetched (refreshed at each scrape); absent without a
    /// coordinator.
    let revocationsAge: Gauge
    /// Revoked serials in force.
    let revokedSerials: Gauge
    /// Netmap version of the revocation list in force.
    let revocationsVersion: Gauge
    let fetchesOK: Counter
    let fetchesFailed: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        revocationsAge = Gauge(label: "relay_revocations_age_seconds", factory: factory)
        revokedSerials = Gauge(label: "relay_revoked_serials", factory: factory)
        revocationsVersion = Gauge(label: "relay_revocations_version", factory: factory)
        fetchesOK = Counter(label: "relay_revocation_fetches_total", dimensions: [("result", "ok")], factory: factory)
        fetchesFailed = Counter(
            label: "relay_revocation_fetches_total", dimensions: [("result", "error")], factory: factory)
    }

    /// Counts one session ended for `reason` (an error code label: revoked, expired_certificate, unknown_ca).
    func sessionsEnded(reason: String) {
        ended.withLockedValue { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(
                label: "relay_sessions_ended_total", dimensions: [("reason", reason)], factory: factory)
            counters[reason] = counter
            return counter
        }.increment()
    }
}
