public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import RelayCore
import ServiceLifecycle
import Tailnet
public import Telemetry
import UnixSignals

/// A running relay: UDP sockets, shared session engine, admin HTTP server, expiry sweeper and config watcher, all
/// services of one `ServiceGroup` with graceful shutdown.
///
/// ``start(configuration:options:)`` binds everything (so start-up errors surface before anything runs); ``run()``
/// serves until SIGTERM/SIGINT (when ``Options/handleSignals`` is set) or ``shutdown()``.
public final class RelayServer: Sendable {
    /// How to run the relay beyond its configuration.
    public struct Options: Sendable {
        /// The registry the relay's metrics are recorded in and `/metrics` renders.
        public var metrics: TelemetryMetrics
        /// The logger every part of the relay logs through.
        public var logger: Logger
        /// Install SIGTERM/SIGINT handlers (the executable does; in-process tests do not).
        public var handleSignals: Bool
        /// The config file to watch, with the flag and environment layers that take precedence over it.
        public var configFile: ConfigFileSource?
        /// How long the batched data plane sends datagram by datagram to a destination that refused a GSO write
        /// (see ``GSORefusals``); tests shorten it.
        var gsoRefusalHold: Duration = GSORefusals.defaultHoldPeriod

        /// Creates options (no signal handlers and no config file to watch by default).
        public init(
            metrics: TelemetryMetrics, logger: Logger, handleSignals: Bool = false,
            configFile: ConfigFileSource? = nil
        ) {
            self.metrics = metrics
            self.logger = logger
            self.handleSignals = handleSignals
            self.configFile = configFile
        }
    }

    /// The config file and the higher-precedence layers, for reloads.
    public struct ConfigFileSource: Sendable {
        /// Path of the JSON config file.
        public var path: String
        /// The command-line layer (over the environment and the file).
        public var flags: RelaySettings
        /// The environment layer (over the file).
        public var environment: RelaySettings
        /// Cores, for the `sockets` default.
        public var coreCount: Int

        /// Creates a source.
        public init(path: String, flags: RelaySettings, environment: RelaySettings, coreCount: Int) {
            self.path = path
            self.flags = flags
            self.environment = environment
            self.coreCount = coreCount
        }
    }

    /// The configuration the relay started with (reloads change the engine's, not this).
    public let configuration: RelayServerConfiguration
    /// The session engine the sockets and the admin server share.
    public let engine: RelayEngine
    /// The UDP sockets.
    public let dataPlane: RelayDataPlane
    /// The admin HTTP server (/metrics, /healthz, /readyz, /debug/...).
    public let admin: AdminServer
    private let group: MultiThreadedEventLoopGroup
    private let serviceGroup: ServiceGroup
    private let stopping: NIOLockedValueBox<Bool>
    private let logger: Logger

    /// CPU cores of this machine: the default number of sockets per listen address.
    public static var coreCount: Int { System.coreCount }

    /// The UDP port of the relay.
    public var port: Int { dataPlane.port }

    private init(
        configuration: RelayServerConfiguration, engine: RelayEngine, dataPlane: RelayDataPlane, admin: AdminServer,
        group: MultiThreadedEventLoopGroup, serviceGroup: ServiceGroup, stopping: NIOLockedValueBox<Bool>,
        logger: Logger
    ) {
        self.configuration = configuration
        self.engine = engine
        self.dataPlane = dataPlane
        self.admin = admin
        self.group = group
        self.serviceGroup = serviceGroup
        self.stopping = stopping
        self.logger = logger
    }

    /// Opens the sockets and the admin port and prepares every service.
    public static func start(configuration: RelayServerConfiguration, options: Options) async throws -> RelayServer {
        let logger = options.logger
        let metrics = RelayMetrics(factory: options.metrics.factory)
        let engine = RelayEngine(configuration: configuration, metrics: metrics, logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.sockets)
        let stopping = NIOLockedValueBox(false)
        var watcher: ConfigWatcher?
        var revocationSync: RevocationSync?
        let dataPlane: RelayDataPlane
        do {
            if let source = configuration.coordinator {
                let fetcher = try RevocationSync.fetcher(source: source, configuration: configuration, engine: engine)
                // The last good list is in force before the first datagram is read.
                if let stored = await fetcher.current {
                    engine.applyRevocations(stored)
                    let confirmedAt = await fetcher.confirmedAt
                    engine.trustMetrics.status.withLockedValue {
                        $0.version = stored.version
                        $0.serials = stored.serials.count
                        $0.confirmedAt = confirmedAt
                    }
                }
                revocationSync = RevocationSync(fetcher: fetcher, source: source, engine: engine, logger: logger)
            }
            if let source = options.configFile {
                watcher = try ConfigWatcher(
                    path: source.path, initialBytes: try ConfigFileReader.read(source.path), flags: source.flags,
                    environment: source.environment, coreCount: source.coreCount,
                    interval: configuration.reloadInterval, metrics: metrics, logger: logger
                ) { [engine] reloaded throws(RelayConfigurationError) in
                    try engine.reload(reloaded)
                }
            }
            dataPlane = try await RelayDataPlane.bind(
                configuration: configuration, engine: engine, metrics: metrics, group: group, logger: logger,
                gsoRefusalHold: options.gsoRefusalHold)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        engine.noticeSink.withLockedValue { $0 = { [dataPlane] in dataPlane.sendUnprompted($0) } }
        engine.socketsBound(listenAddresses: configuration.listenAddresses, port: dataPlane.port)
        let admin: AdminServer
        do {
            let readinessWatcher = watcher
            let readiness: @Sendable () -> Readiness = {
                if stopping.withLockedValue({ $0 }) { return .notReady("shutting down") }
                if let problem = readinessWatcher?.problem { return .notReady("config file invalid: \(problem)") }
                return .ready
            }
            let following = configuration.coordinator != nil
            admin = try await AdminServer.bind(
                host: configuration.adminAddress, port: configuration.adminPort,
                routes: [
                    // Readiness plus what the relay enforces: how fresh its revocation list is.
                    AdminRoute(path: "/readyz") { _ in
                        let detail =
                            following
                            ? engine.trustMetrics.status.withLockedValue { $0.summary(now: .now()) }
                            : "revocations: no coordinator; the configured revokedSerials apply"
                        switch readiness() {
                        case .ready: return .text("ready\n\(detail)")
                        case .notReady(let reason): return .text("not ready: \(reason)\n\(detail)", status: 503)
                        }
                    },
                    .json("/debug/sessions") { _ in engine.sessionSnapshot(now: .now()) },
                    .json("/debug/config") { _ in engine.configSnapshot() },
                ],
                metrics: options.metrics,
                readiness: readiness,
                beforeScrape: {
                    engine.refreshGauges()
                    engine.trustMetrics.refresh(now: .now())
                },
                group: group, logger: logger)
        } catch {
            await dataPlane.close()
            try? await group.shutdownGracefully()
            throw error
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: DataPlaneService(dataPlane: dataPlane) { stopping.withLockedValue { $0 = true } }),
            .init(service: admin),
            .init(
                service: ExpirySweeper(engine: engine, logger: logger)),
        ]
        if let watcher { services.append(.init(service: watcher)) }
        if let revocationSync { services.append(.init(service: revocationSync)) }
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        if options.handleSignals {
            groupConfiguration.gracefulShutdownSignals = [.sigterm, .sigint]
        }
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        return RelayServer(
            configuration: configuration, engine: engine, dataPlane: dataPlane, admin: admin, group: group,
            serviceGroup: serviceGroup, stopping: stopping, logger: logger)
    }

    /// Serves until graceful shutdown, then releases the event loops.
    public func run() async throws {
        defer { stopping.withLockedValue { $0 = true } }
        do {
            try await serviceGroup.run()
        } catch {
            await dataPlane.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
        logger.info("relay stopped")
    }

    /// Starts a graceful shutdown: `/readyz` turns not ready, sockets close, ``run()`` returns.
    public func shutdown() async {
        stopping.withLockedValue { $0 = true }
        await serviceGroup.triggerGracefulShutdown()
    }
}
