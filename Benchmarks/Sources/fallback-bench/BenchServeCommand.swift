import ArgumentParser
import Coordinator
import FallbackServer
import Logging
import RelayCore
import ServiceLifecycle
import UnixSignals

/// `fallback-bench serve`: a standalone fallback relay on loopback trusting one CA key; prints `PORT <n>` once
/// listening and runs until SIGTERM.
struct BenchServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the relay under test.")

    @Option(help: "Trusted CA public key (base64).")
    var caKey: String

    @Option(help: "Tailnet id.")
    var tailnet = "bench.ts"

    @Option(help: "Data packets queued per client.")
    var queueDepth = 64

    func run() async throws {
        guard let ca = CAPublicKey(base64: caKey) else { throw ValidationError("--ca-key is not a base64 CA key") }
        var logger = Logger(label: "fallback-bench-serve")
        logger.logLevel = .error
        let server = FallbackServer(
            configuration: FallbackServerConfiguration(region: "bench", dataQueueDepth: queueDepth),
            verifier: CertificateVerifier(trustedCAs: [ca], tailnetID: tailnet), logger: logger)
        let listen = CoordinatorServer.Configuration(host: "127.0.0.1", port: 0, fallback: nil)
        let app = try StandaloneFallback.makeApplication(
            listen: listen, server: server, trust: nil, debugToken: nil, logger: logger
        ) { port in
            print("PORT \(port)")
            fflushStandardOutput()
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [.sigterm], logger: logger))
        try await group.run()
    }
}
