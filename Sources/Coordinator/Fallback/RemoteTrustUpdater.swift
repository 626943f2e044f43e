public import FallbackServer
import RelayCore
public import ServiceLifecycle
public import Tailnet

/// Keeps a standalone (regional) fallback server's trust in step with a remote coordinator through its revocation
/// list (`GET /v1/revocations`), keeping the last good copy while the coordinator is unreachable.
public struct RemoteTrustUpdater: Service {
    let fetcher: RevocationFetcher
    let server: FallbackServer
    let interval: Duration

    /// Creates the updater; `interval` is how often the list is fetched.
    public init(fetcher: RevocationFetcher, server: FallbackServer, interval: Duration) {
        self.fetcher = fetcher
        self.server = server
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await fetcher.run(interval: interval) { list in server.updateTrust(list.verifier) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: server.configuration.recheckInterval)
                        server.recheck(now: .now())
                    }
                }
            }
        }
    }
}
