import Logging
import RelayCore
import ServiceLifecycle

/// Removes expired sessions periodically and refreshes the session gauges.
struct ExpirySweeper: Service {
    let engine: RelayEngine
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(
                        for: Self.delay(
                            interval: engine.sweepInterval, now: .now(),
                            nextCertificateExpiry: engine.nextCertificateExpiry))
                } catch {
                    return
                }
                let removed = engine.sweep(now: .now())
                if removed > 0 {
                    logger.debug("expired sessions removed", metadata: ["count": "\(removed)"])
                }
            }
        }
    }

    /// How long to sleep: the sweep period, or less when a session side's certificate expires sooner (so its
    /// sessions end within a few milliseconds of notAfter rather than up to a sweep period later).
    static func delay(interval: Duration, now: Timestamp, nextCertificateExpiry: Timestamp?) -> Duration {
        guard let expiry = nextCertificateExpiry else { return interval }
        return max(.milliseconds(10), min(interval, expiry - now))
    }

    /// A sweep period well below the shortest timeout, so expiry lags by at most about a quarter of it.
    static func interval(for limits: RelayLimits) -> Duration {
        let shortest = min(limits.bindTimeout, limits.idleTimeout)
        return max(.milliseconds(200), min(.seconds(5), shortest / 4))
    }
}
