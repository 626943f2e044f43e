import Agent
import Foundation
public import Logging
public import Metrics
import NIOCore
import NIOPosix
import RelayCore
import RelayNIO
public import ServiceLifecycle
import Tailnet

/// `tailnet-agent` as one `Service`: joins (or reuses its identity), configures WireGuard, runs the data plane,
/// the path logic, the netmap long-poll, endpoint discovery and the local API until graceful shutdown; then removes
/// what it configured.
public final class AgentService: Service, Sendable {
    let configuration: AgentConfiguration
    let metrics: any MetricsFactory
    let logger: Logger

    /// Creates the agent; `run()` registers (or reuses the stored identity) and runs until shutdown.
    public init(configuration: AgentConfiguration, metrics: any MetricsFactory, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        let config = configuration
        let identity = try await AgentIdentity.loadOrRegister(
            directory: config.stateDirectory, coordinator: config.coordinator, tls: config.tls,
            preAuthKey: config.preAuthKey,
            name: config.name, endpoints: [])
        logger.info(
            "node \(identity.registration.name) \(identity.registration.address) (control key \(identity.controlKey.publicKey.shortDescription))"
        )
        let device = WireGuardDevice(
            interface: config.interface, listenPort: config.wireGuardPort, backend: config.wireGuardBackend)
        let loopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var plane: DataPlane?
        var api: LocalAPIServer?
        do {
            if config.startWireGuardGo { try device.startWireGuardGo() }
            try device.configure(privateKey: identity.wireGuardKey, address: identity.registration.address)
            let started = try await DataPlane.start(
                host: config.tailnetHost, port: Int(config.tailnetPort), wireGuardPort: Int(config.wireGuardPort),
                offload: config.udpOffload, loop: loopGroup.next(), logger: logger)
            plane = started
            let controller = AgentController(
                identity: identity, plane: started, wireGuard: device, policy: config.policy, forced: config.forced,
                excludedInterfaces: config.excludedInterfaces, metrics: AgentMetrics(factory: metrics), logger: logger)
            api = try await LocalAPIServer.bind(path: config.socketPath, group: MultiThreadedEventLoopGroup.singleton) {
                request in
                switch request {
                case .status: return .status(await controller.status())
                case .ping(let peer, let timeout):
                    return await controller.ping(peer, timeout: .milliseconds(max(100, min(timeout, 30_000))))
                case .forcePath(let peer, let kind):
                    guard let kind else { return await controller.force(nil, peer: peer) }
                    guard let parsed = PathKind(kind) else {
                        return .failure("path kind \(kind): use direct, relay or fallback")
                    }
                    return await controller.force(parsed, peer: peer)
                }
            }
            logger.info("tailnet port \(started.localAddress.map { "\($0)" } ?? "?"), local API \(config.socketPath)")
            let client = try CoordinatorClient(
                baseURL: config.coordinator, token: identity.registration.nodeToken, tls: config.tls)
            try await cancelWhenGracefulShutdown {
                try await self.loops(controller: controller, plane: started, client: client)
            }
        } catch is CancellationError {
        } catch {
            logger.error("\(error)")
            await Self.stop(api: api, plane: plane, device: device, group: loopGroup)
            throw error
        }
        await Self.stop(api: api, plane: plane, device: device, group: loopGroup)
        logger.info("stopped; removed the WireGuard peers, address and route it configured")
    }

    static func stop(
        api: LocalAPIServer?, plane: DataPlane?, device: WireGuardDevice, group: MultiThreadedEventLoopGroup
    ) async {
        await api?.close()
        await plane?.close()
        device.teardown()
        try? await group.shutdownGracefully()
    }

    private func loops(controller: AgentController, plane: DataPlane, client: CoordinatorClient) async throws {
        let config = configuration
        let logger = self.logger
        let coordinatorSTUN = Self.stunAddress(of: config.coordinator)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await inbound in plane.control { await controller.handle(inbound) }
            }
            group.addTask { try await self.runFallback(controller: controller, plane: plane) }
            group.addTask { try await self.renewCertificates(controller: controller, client: client) }
            group.addTask {
                while !Task.isCancelled {
                    await controller.tick()
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            group.addTask {
                var since: Int64?
                var failures = 0
                while !Task.isCancelled {
                    do {
                        if let netmap = try await client.netmap(since: since, timeout: 30) {
                            await controller.apply(netmap)
                            since = netmap.version
                        }
                        failures = 0
                    } catch is CancellationError {
                        return
                    } catch {
                        failures += 1
                        logger.warning("netmap poll failed (\(failures) in a row): \(error)")
                        try await Task.sleep(for: .milliseconds(min(30_000, 500 << min(failures, 6))))
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await controller.discoverReflexive(coordinatorSTUN: coordinatorSTUN)
                    try await Task.sleep(for: .seconds(1))
                    if let endpoints = await controller.refreshEndpoints(
                        tailnetPort: plane.localAddress?.port.map(UInt16.init) ?? config.tailnetPort)
                    {
                        do {
                            try await client.updateEndpoints(endpoints.map(\.description))
                            logger.info("published endpoints \(endpoints.map(\.description).joined(separator: ", "))")
                        } catch {
                            logger.warning("cannot publish endpoints: \(error)")
                            await controller.forgetPublishedEndpoints()
                        }
                    }
                    try await Task.sleep(for: config.endpointRefreshInterval)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Renews the node certificate before it expires; each new one is stored in `node.json` and used for relay
    /// sessions and the fallback connection (which reconnects with it).
    func renewCertificates(controller: AgentController, client: CoordinatorClient) async throws {
        let identity = controller.identity
        let directory = configuration.stateDirectory
        let renewer = CertificateRenewer(
            client: client, policy: configuration.renewal, logger: logger)
        let current = try TailnetCertificate(decoding: await controller.certificate)
        try await renewer.run(current: current) { response, bytes in
            var stored = identity
            stored.registration.certificate = response.certificate
            stored.registration.certificateExpiresAt = response.certificateExpiresAt
            try stored.save(directory: directory)
            await controller.adoptCertificate(bytes)
        }
    }

    /// The coordinator's STUN address: its HTTP host (numeric) and port, over UDP.
    static func stunAddress(of url: String) -> SocketAddress? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        let defaultPort = url.hasPrefix("https") ? 443 : 80
        let text = authority.contains(":") ? authority : "\(authority):\(defaultPort)"
        if let endpoint = EndpointAddress(text) { return endpoint.socketAddress }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { return nil }
        return try? SocketAddress.makeAddressResolvingHost(String(parts[0]), port: port)
    }
}
