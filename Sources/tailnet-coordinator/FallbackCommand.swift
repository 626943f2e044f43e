import ArgumentParser
import Coordinator
import CurlHTTP
import FallbackServer
import Hummingbird
import Logging
import RelayCore
import Tailnet
import Telemetry

/// `tailnet-coordinator fallback`: a fallback relay on its own, for a region away from the coordinator.
struct FallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fallback",
        abstract: "Run a standalone (regional) fallback relay that follows a coordinator's revocation list.",
        discussion: """
            The coordinator embeds a fallback relay on its own port by default; run this to add relays in other
            regions, and list them in netmaps with `serve --fallback-relay REGION=URL`. See docs/fallback.md.
            """)

    @Option(help: "Coordinator base URL (https://…, or http:// on loopback).")
    var coordinator: String

    @Option(help: "File holding a coordinator token (relay-publisher or admin) to read revocations with.")
    var tokenFile: String

    @Option(help: "PEM CA certificate to verify the coordinator's HTTPS certificate.")
    var coordinatorCA: String?

    @Option(help: "Where to keep the last revocation list (used while the coordinator is unreachable).")
    var cache: String?

    @Option(help: "Seconds between revocation list fetches.")
    var refresh: Int = 10

    @OptionGroup var listen: ListenOptions

    @Option(help: "TCP port.")
    var port = 8443

    @OptionGroup var fallback: FallbackOptions

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (1...3600).contains(refresh) else { throw ValidationError("--refresh must be 1…3600 seconds") }
    }

    func run() async throws {
        let logger = log.bootstrap(label: "peerrelay-fallback")
        let token: String
        do {
            token =
                try KeyFile.readText(at: tokenFile).split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        } catch {
            throw ValidationError("cannot read --token-file: \(error)")
        }
        let client = try CoordinatorClient(
            baseURL: coordinator, token: token,
            tls: CurlHTTP.TLSConfiguration(certificateAuthority: coordinatorCA.map { .file($0) }))
        let fetcher = RevocationFetcher(client: client, cachePath: cache)
        await fetcher.refresh()
        guard let list = await fetcher.current else {
            throw ValidationError(
                "no revocation list from \(coordinator) and no cache: \(await fetcher.lastError ?? "unknown error"); "
                    + "the relay cannot admit anyone without the tailnet's CA keys")
        }
        let metrics = FallbackMetrics()
        metrics.telemetry.bootstrapGlobal()
        let server = FallbackServer(
            configuration: fallback.configuration, verifier: list.verifier, metrics: metrics, logger: logger)
        let trust = RemoteTrustUpdater(fetcher: fetcher, server: server, interval: .seconds(refresh))
        let configuration = CoordinatorServer.Configuration(
            host: listen.host, port: port, tlsCertificatePath: listen.tlsCert, tlsKeyPath: listen.tlsKey, fallback: nil)
        let app = try StandaloneFallback.makeApplication(
            listen: configuration, server: server, trust: trust, debugToken: token, logger: logger
        ) { port in
            logger.info(
                "fallback relay listening",
                metadata: [
                    "address": "\(listen.url(port: port))/fallback",
                    "region": "\(fallback.fallbackRegion)", "tailnet": "\(list.tailnetID)",
                ])
        }
        try await app.runService()
    }
}
