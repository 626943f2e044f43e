import Logging
import NIOConcurrencyHelpers
import RelayCore

extension RelayEngine {
    /// Logs and counts sessions RelayCore removed because a side's certificate stopped holding, and sends each
    /// bound side its sealed Error.
    func endSessions(_ ended: [SessionEnd]) {
        guard !ended.isEmpty else { return }
        for end in ended {
            let reasons = end.invalid.values.map { RelayMetrics.label($0.relayErrorCode) }.sorted()
            for reason in Set(reasons) { trustMetrics.sessionsEnded(reason: reason) }
            logger.notice(
                "session ended: a side's certificate no longer holds",
                metadata: [
                    "vni": "\(end.vni)",
                    "nodes": .array(end.invalid.map { .string("\($0.key): \($0.value)") }),
                    "noticesSent": "\(end.notices.count)",
                ])
        }
        let notices = ended.flatMap(\.notices)
        if !notices.isEmpty, let sink = noticeSink.withLockedValue({ $0 }) { sink(notices) }
    }

    /// Rechecks every open session against the current trust and clock now (after a revocation list arrived).
    func revalidate(now: Timestamp = .now()) {
        endSessions(withTable { $0.revalidate(now: now) })
        refreshGauges()
    }

    /// When the sweeper must run next to end sessions whose certificates expire: the earliest notAfter.
    var nextCertificateExpiry: Timestamp? { withTable { $0.nextCertificateExpiry } }
}
