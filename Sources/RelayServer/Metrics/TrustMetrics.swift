import CoreMetrics
import NIOConcurrencyHelpers
import RelayCore

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
    /// The revocation list in force and the coordinator's last answer (set by `RevocationSync`).
    let status = NIOLockedValueBox(RevocationStatus())

    /// What `/readyz` and the age gauge report about the coordinator's revocation list.
    struct RevocationStatus {
        var version: Int64?
        var serials = 0
        /// When the coordinator last confirmed the list (for a list from the state file: when it was produced).
        var confirmedAt: Timestamp?
        var lastError: String?
        var failures = 0

        /// Seconds since the list was confirmed, nil without a list.
        func age(now: Timestamp) -> Double? {
            guard version != nil, let confirmedAt else { return nil }
            return Double((now - confirmedAt) / .milliseconds(1)) / 1000
        }

        /// One line for `/readyz`.
        func summary(now: Timestamp) -> String {
            guard let version, let age = age(now: now) else {
                return "revocations: no list from the coordinator yet"
                    + (lastError.map { " (\(failures) failed fetches, last: \($0))" } ?? "")
                    + "; only the configured revokedSerials apply"
            }
            return "revocations: version \(version), \(serials) revoked serials, age \(Int(age.rounded()))s"
                + (lastError.map { ", coordinator unreachable (\(failures) failed fetches, last: \($0))" } ?? "")
        }
    }

    /// Sets the age gauge (call before each scrape).
    func refresh(now: Timestamp) {
        if let age = status.withLockedValue({ $0.age(now: now) }) { revocationsAge.record(age) }
    }

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
