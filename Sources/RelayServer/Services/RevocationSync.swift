import CoreMetrics
import CurlHTTP
import Logging
import NIOConcurrencyHelpers
import RelayCore
import ServiceLifecycle
import Tailnet

/// Keeps the relay's revocation list current by itself: long-polls the coordinator's `/v1/revocations` with the
/// relay certificate, puts every new list in force at once (open sessions of revoked nodes end), keeps the last
/// good list in the state directory across restarts and coordinator outages, and retries with bounded, jittered
/// backoff while the coordinator is unreachable.
struct RevocationSync: Service {
    let fetcher: RevocationFetcher
    let source: CoordinatorSource
    let engine: RelayEngine
    let logger: Logger

    /// A fetcher for `source`, authenticating with the relay certificate, loaded with the last good list if one is
    /// stored.
    static func fetcher(
        source: CoordinatorSource, configuration: RelayServerConfiguration, engine: RelayEngine
    ) throws(RelayConfigurationError) -> RevocationFetcher {
        try source.prepareStateDirectory()
        let client: CoordinatorClient
        do {
            client = try CoordinatorClient(
                baseURL: source.url, tls: TLSConfiguration(certificateAuthority: source.caFile.map { .file($0) }))
        } catch {
            throw .badValue(setting: "coordinatorURL", value: source.url, expected: "an http:// or https:// URL")
        }
        return RevocationFetcher(
            client: client, cachePath: source.revocationsFile, tailnetID: configuration.tailnetID,
            relayCertificate: { engine.withContext { $0.configuration.certificate.encoded() } })
    }

    func run() async throws {
        let engine = engine
        let logger = logger
        let metrics = engine.trustMetrics
        await cancelWhenGracefulShutdown {
            await fetcher.follow(
                wait: source.wait,
                onAttempt: { answered in
                    if answered { metrics.fetchesOK.increment() } else { metrics.fetchesFailed.increment() }
                    let (confirmedAt, error, failures) = await (
                        fetcher.confirmedAt, fetcher.lastError, fetcher.failures
                    )
                    metrics.status.withLockedValue {
                        $0.confirmedAt = confirmedAt
                        $0.lastError = error
                        $0.failures = failures
                    }
                    if !answered, let error {
                        logger.warning(
                            "coordinator unreachable; the last revocation list stays in force",
                            metadata: ["error": "\(error)", "failures": "\(failures)"])
                    }
                },
                onUpdate: { list in
                    logger.info(
                        "revocation list in force",
                        metadata: ["version": "\(list.version)", "revokedSerials": "\(list.serials.count)"])
                    engine.applyRevocations(list)
                    let confirmedAt = await fetcher.confirmedAt
                    metrics.status.withLockedValue {
                        $0.version = list.version
                        $0.serials = list.serials.count
                        $0.confirmedAt = confirmedAt
                    }
                    metrics.revocationsVersion.record(list.version)
                    metrics.revokedSerials.record(list.serials.count)
                })
        }
    }
}
