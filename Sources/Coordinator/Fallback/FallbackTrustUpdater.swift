import FallbackServer
import RelayCore
import ServiceLifecycle
import Tailnet

/// Keeps the embedded fallback server's trust in step with the coordinator: after every netmap version change
/// (revocation, node removal, CA rotation) it reloads the revocation list, which disconnects clients whose
/// certificate was revoked; in between it re-checks for expiry.
struct FallbackTrustUpdater: Service {
    let store: CoordinatorStore
    let hub: NetmapHub
    let server: FallbackServer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var version = hub.version
            while !Task.isCancelled {
                if await hub.waitForVersion(after: version, timeout: server.configuration.recheckInterval) {
                    version = hub.version
                    if let list = try? await store.revocationList() {
                        server.updateTrust(list.verifier)
                        continue
                    }
                }
                server.recheck(now: .now())
            }
        }
    }
}
