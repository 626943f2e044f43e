import Agent
import CoreMetrics
import CurlHTTP
import Logging
import NIOCore
import NIOPosix
import RelayCore
import Tailnet

@testable import AgentRuntime

/// One tailnet node as `AgentService` runs it — identity registered at a real coordinator, data plane on loopback,
/// controller, fallback loop, certificate renewal, inbound handling and the 100 ms tick — with a `LoopbackUDP` socket standing where
/// wireguard-go listens. No wireguard-go runs: the controller's WireGuard peer updates fail (logged), which these
/// tests do not look at; WireGuard itself is exercised in `WireGuardDeviceTests`.
struct AgentNode: Sendable {
    let identity: AgentIdentity
    let stateDirectory: String
    let wireGuard: LoopbackUDP
    let plane: DataPlane
    let controller: AgentController
    let loops: Task<Void, any Error>
    let group: MultiThreadedEventLoopGroup

    var control: PublicKey { identity.controlKey.publicKey }
    var client: CoordinatorClient {
        get throws {
            try CoordinatorClient(baseURL: identity.registration.coordinator, token: identity.registration.nodeToken)
        }
    }

    static func start(baseURL: String, preAuthKey: String, directory: String, name: String) async throws -> AgentNode {
        var logger = Logger(label: "agent-\(name)")
        logger.logLevel = .critical
        let state = "\(directory)/\(name)"
        let identity = try await AgentIdentity.loadOrRegister(
            directory: state, coordinator: baseURL, tls: TLSConfiguration(), preAuthKey: preAuthKey, name: name,
            endpoints: [])
        let wireGuard = try LoopbackUDP()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let plane = try await DataPlane.start(
            host: "127.0.0.1", port: 0, wireGuardPort: Int(wireGuard.port), loop: group.next())
        let device = WireGuardDevice(
            interface: "absent0", listenPort: wireGuard.port, uapiDirectory: "\(state)/no-wireguard")
        let controller = AgentController(
            identity: identity, plane: plane, wireGuard: device, policy: PathPolicy(), forced: [:],
            metrics: AgentMetrics(factory: NOOPMetricsHandler.instance), logger: logger)
        let configuration = AgentConfiguration(
            coordinator: baseURL, preAuthKey: nil, stateDirectory: state, name: name, interface: "absent0",
            startWireGuardGo: false, wireGuardPort: wireGuard.port, tailnetHost: "127.0.0.1", tailnetPort: 0,
            socketPath: "\(state)/agent.sock", policy: PathPolicy(), forced: [:])
        let service = AgentService(configuration: configuration, metrics: NOOPMetricsHandler.instance, logger: logger)
        let loops = Task {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { for await inbound in plane.control { await controller.handle(inbound) } }
                tasks.addTask { try await service.runFallback(controller: controller, plane: plane) }
                tasks.addTask {
                    let client = try CoordinatorClient(baseURL: baseURL, token: identity.registration.nodeToken)
                    try await service.renewCertificates(controller: controller, client: client)
                }
                tasks.addTask {
                    while !Task.isCancelled {
                        await controller.tick()
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
        }
        return AgentNode(
            identity: identity, stateDirectory: state, wireGuard: wireGuard, plane: plane, controller: controller,
            loops: loops, group: group)
    }

    /// Applies this node's netmap from the coordinator, naming the coordinator's embedded fallback relay.
    func applyNetmap() async throws {
        guard var netmap = try await client.netmap(timeout: 0) else { throw LoopbackUDP.Failure(text: "no netmap") }
        netmap.fallbackRelays = [
            FallbackRelay(region: "default", url: identity.registration.coordinator + "/fallback")
        ]
        await controller.apply(netmap)
    }

    /// The serial of the node certificate stored in the state directory (`node.json`).
    func storedSerial() async throws -> UInt64 {
        let stored = try await AgentIdentity.loadOrRegister(
            directory: stateDirectory, coordinator: identity.registration.coordinator, tls: TLSConfiguration(),
            preAuthKey: nil, name: identity.registration.name, endpoints: [])
        return try TailnetCertificate(decoding: stored.certificateBytes).serial
    }

    /// The agent's loopback port for `peer` (WireGuard's endpoint for that peer).
    func loopbackPort(for peer: AgentNode) async -> UInt16? {
        await controller.peers[peer.control]?.loopback.port.map { UInt16($0) }
    }

    func stop() async {
        loops.cancel()
        await plane.close()
        _ = await loops.result
        try? await group.shutdownGracefully()
    }
}
