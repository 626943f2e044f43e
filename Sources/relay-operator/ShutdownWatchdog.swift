import Foundation
import Logging
import ServiceLifecycle

/// Ends the process when a graceful shutdown has not finished after `limit` (something in flight ignored
/// cancellation): exit status 1 and a log line saying so, instead of hanging until SIGKILL.
struct ShutdownWatchdog: ServiceLifecycle.Service {
    let limit: Int
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let (limit, logger) = (limit, logger)
        Thread.detachNewThread {
            sleep(UInt32(limit))
            logger.critical(
                "graceful shutdown did not finish within \(limit) s (a reconcile or watch ignored cancellation); exiting"
            )
            exit(1)
        }
    }
}
