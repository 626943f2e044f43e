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
                    try await Task.sleep(for: engine.sweepInterval)
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

    /// A sweep period well below the shortest timeout, so expiry lags by at most about a quarter of it.
    static func interval(for limits: RelayLimits) -> Duration {
        let shortest = min(limits.bindTimeout, limits.idleTimeout)
        return max(.milliseconds(200), min(.seconds(5), shortest / 4))
    }
}
