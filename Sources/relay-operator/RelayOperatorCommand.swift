import ArgumentParser
import Foundation
import Kube
import Logging
import Operator
import ServiceLifecycle
import Telemetry
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// `relay-operator`: reconciles PeerRelay resources into relay pods with stable UDP endpoints and
/// publishes them to the tailnet coordinator.
@main
struct RelayOperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-operator",
        abstract: "Runs PeerRelay resources as relay-server pods and publishes them to the tailnet coordinator.")

    @Option(help: "Admin HTTP address (host:port) for /metrics, /healthz and /readyz.")
    var adminAddress = "0.0.0.0:8080"

    @Option(help: "Relay image for PeerRelays without spec.pod.image.")
    var relayImage = "ghcr.io/peerrelay/peerrelay:0.1.0"

    @OptionGroup var log: LogOptions

    @Flag(help: "Run only while holding the leader-election Lease (for several operator replicas).")
    var leaderElect = false

    @Option(help: "Namespace of the leader-election Lease (default: $POD_NAMESPACE).")
    var leaderElectionNamespace: String?

    @Option(help: "Name of the leader-election Lease.")
    var leaderElectionLease = "peer-relay-operator"

    @Option(help: "Lease duration in seconds (others take over after this long without renewal).")
    var leaseDurationSeconds = 15

    @Option(help: "kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account).")
    var kubeconfig: String?

    @Option(help: "Watch only this namespace (default: all namespaces).")
    var namespace: String?

    func run() async throws {
        guard let colon = adminAddress.lastIndex(of: ":"),
            let port = Int(adminAddress[adminAddress.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("--admin-address '\(adminAddress)' must be host:port, e.g. 0.0.0.0:8080")
        }
        let host = String(adminAddress[..<colon]).trimmingCharacters(in: ["[", "]"])
        let logger = log.bootstrap(label: "relay-operator")
        let metrics = TelemetryMetrics()
        metrics.bootstrapGlobal()

        let client: KubeClient
        do {
            if let kubeconfig {
                client = KubeClient(configuration: try KubeConfigLoader.load(path: kubeconfig))
            } else {
                client = KubeClient(configuration: try KubeClientConfiguration.automatic())
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let environment = ProcessInfo.processInfo.environment
        let identity = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(Self.hostname())-\(getpid())"
        let runtime = OperatorRuntime(
            client: client, settings: RelayReconciler.Settings(relayImage: relayImage), namespace: namespace,
            identity: identity, logger: logger)
        let admin: AdminServer
        do {
            admin = try await AdminServer.bind(
                host: host, port: port, metrics: metrics, readiness: { runtime.readiness },
                beforeScrape: { runtime.refreshGauges() }, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(69)
        }
        var services: [any ServiceLifecycle.Service] = [admin]
        if leaderElect {
            guard let leaseNamespace = leaderElectionNamespace ?? environment["POD_NAMESPACE"], !leaseNamespace.isEmpty
            else {
                throw ValidationError("--leader-elect needs --leader-election-namespace or POD_NAMESPACE")
            }
            let seconds = max(leaseDurationSeconds, 3)
            services.append(
                Campaign(
                    client: client,
                    configuration: .init(
                        namespace: leaseNamespace, name: leaderElectionLease, identity: identity,
                        leaseDuration: .seconds(seconds), renewDeadline: .milliseconds(seconds * 2000 / 3),
                        retryPeriod: .milliseconds(max(seconds * 1000 / 7, 500))),
                    runtime: runtime, logger: logger))
        } else {
            services.append(runtime)
        }
        logger.info(
            "relay-operator starting",
            metadata: ["identity": "\(identity)", "leaderElect": "\(leaderElect)", "relayImage": "\(relayImage)"])
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight reconciles get 20 s after SIGTERM (the pod's grace period is 30 s), then they are cancelled;
        // if something still ignores cancellation 5 s later, ServiceLifecycle ends the process (fatalError) rather
        // than let it hang until SIGKILL.
        configuration.maximumGracefulShutdownDuration = .seconds(20)
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
        logger.info("relay-operator stopped")
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
