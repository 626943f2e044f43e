import Agent
import AgentRuntime
import ArgumentParser
import Logging
import ServiceLifecycle
import Telemetry
import UnixSignals

/// `tailnet-agent`: runs beside WireGuard on a tailnet node and picks, per peer, direct, peer relay or fallback.
@main
struct TailnetAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tailnet-agent",
        abstract: "Join the tailnet and keep every peer on its best working path (direct, peer relay, fallback).",
        discussion: """
            The first start needs --pre-auth-key; later starts reuse the identity in --state-dir. The agent drives
            an unmodified wireguard-go through its UAPI socket (--wireguard-go starts one) or kernel WireGuard with
            `wg` (--wireguard-backend wg), renews its certificate before expiry, owns the node's one
            tailnet UDP port (--port), and answers `relayctl status` and `relayctl ping` on --socket.
            SIGTERM removes the WireGuard peers, address and route it configured.
            """)

    @Option(help: "Coordinator URL, e.g. https://coordinator.example:8443.")
    var coordinator: String

    @Option(help: "PEM CA certificate that signed the coordinator's HTTPS certificate.")
    var coordinatorCA: String?

    @Option(help: "Pre-auth key for the first registration (or $PEERRELAY_PREAUTH_KEY).")
    var preAuthKey: String?

    @Option(help: "State directory: keys and registration (created 0700; key files 0600).")
    var stateDir = "/var/lib/peerrelay/agent"

    @Option(help: "Node name to register (a suffix is added if taken).")
    var name: String = "node"

    @Option(help: "WireGuard interface.")
    var interface = "tailnet0"

    @Flag(help: "Start wireguard-go for the interface (otherwise it must be running).")
    var wireguardGo = false

    @Option(
        help: """
            How to configure WireGuard: uapi (wireguard-go's UAPI socket) or wg (`wg set`/`wg show`: kernel \
            WireGuard on an existing interface, or wireguard-go).
            """)
    var wireguardBackend = "uapi"

    @Option(help: "wireguard-go's listen port (loopback use: peers reach it through the agent).")
    var wireguardPort: UInt16 = 51820

    @Option(help: "The node's tailnet UDP port (probes, direct WireGuard, relay-framed packets).")
    var port: UInt16 = 41641

    @Option(help: "Address to bind the tailnet port on.")
    var listen = "0.0.0.0"

    @Flag(
        inversion: .prefixedNo,
        help: """
            UDP segmentation and receive offload (GSO/GRO) on the data path where the kernel has them: a peer's \
            equal-size packets leave as one send, trains arrive as one read. Turned off by itself on a socket whose \
            kernel refuses a GSO send.
            """)
    var udpOffload = true

    @Option(help: "Local API Unix socket (mode 0600).")
    var socket = "/var/run/peerrelay/agent.sock"

    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "Never publish this interface's addresses as direct candidates: a name or a pattern with * and ? (repeatable).",
            discussion: """
                Down, loopback and point-to-point interfaces, the agent's own --interface, tunnels by name (wg*, \
                tun*, tailscale*, utun*, zt*, nebula*) and addresses in 100.64.0.0/10 are always left out. Add \
                interfaces other nodes cannot reach this node through, e.g. --exclude-interface 'docker*'.
                """, valueName: "pattern"))
    var excludeInterface: [String] = []

    @Option(help: "Prometheus metrics address host:port (empty: none).")
    var metrics = ""

    @Option(
        parsing: .singleValue,
        help: "Force a path kind: direct, relay or fallback for every peer, or PEER=KIND for one (repeatable).")
    var forcePath: [String] = []

    @Option(help: "Heartbeat interval on the active path, in milliseconds.")
    var heartbeatMs = 500

    @Option(help: "How long a path is trusted after each pong, in milliseconds.")
    var trustMs = 1500

    @Option(help: "Keepalive interval while idle, in seconds (also capped by a third of each relay's idle timeout).")
    var idleKeepalive = 10

    @Option(help: "Seconds without outbound data before the session counts as idle.")
    var sessionTimeout = 45

    @OptionGroup var log: LogOptions

    func validate() throws {
        for entry in forcePath {
            let kind = entry.split(separator: "=").last.map(String.init) ?? ""
            guard PathKind(kind) != nil else {
                throw ValidationError("--force-path \(entry): the kind must be direct, relay or fallback")
            }
        }
        guard heartbeatMs >= 50, trustMs > heartbeatMs else {
            throw ValidationError("--heartbeat-ms must be ≥ 50 and below --trust-ms")
        }
        for pattern in excludeInterface {
            do { _ = try InterfacePattern(pattern) } catch {
                throw ValidationError("--exclude-interface: \(error)")
            }
        }
        guard WireGuardBackend(rawValue: wireguardBackend) != nil else {
            throw ValidationError("--wireguard-backend \(wireguardBackend): use uapi or wg")
        }
    }

    func run() async throws {
        let logger = log.bootstrap(label: "tailnet-agent")
        let telemetry = TelemetryMetrics()
        telemetry.bootstrapGlobal()

        var policy = PathPolicy()
        policy.heartbeatInterval = .milliseconds(heartbeatMs)
        policy.trustWindow = .milliseconds(trustMs)
        policy.idleKeepaliveInterval = .seconds(idleKeepalive)
        policy.sessionActiveTimeout = .seconds(sessionTimeout)
        var forced: [String: PathKind] = [:]
        for entry in forcePath {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            forced[parts.count == 2 ? parts[0] : "*"] = PathKind(parts.last!)
        }
        var configuration = AgentConfiguration(
            coordinator: coordinator, coordinatorCA: coordinatorCA,
            preAuthKey: preAuthKey ?? Self.environment("PEERRELAY_PREAUTH_KEY"), stateDirectory: stateDir,
            name: name, interface: interface, startWireGuardGo: wireguardGo, wireGuardPort: wireguardPort,
            tailnetHost: listen, tailnetPort: port, socketPath: socket, policy: policy, forced: forced)
        configuration.wireGuardBackend = WireGuardBackend(rawValue: wireguardBackend) ?? .uapi
        configuration.udpOffload = udpOffload
        configuration.excludedInterfaces = try excludeInterface.map { try InterfacePattern($0) }
        let agent = AgentService(configuration: configuration, metrics: telemetry.factory, logger: logger)
        var services: [any Service] = [agent]
        if !metrics.isEmpty {
            let parts = metrics.split(separator: ":")
            guard parts.count == 2, let metricsPort = Int(parts[1]) else {
                throw ValidationError("--metrics must be host:port, e.g. 127.0.0.1:9102")
            }
            services.append(
                try await AdminServer.bind(
                    host: String(parts[0]), port: metricsPort, metrics: telemetry, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

#if canImport(Glibc)
    import Glibc
#endif
