public import Agent
import CurlHTTP

/// Everything `tailnet-agent` is started with.
public struct AgentConfiguration: Sendable {
    /// Coordinator base URL, e.g. `http://203.0.113.1:8480`.
    public var coordinator: String
    /// PEM CA certificate of the coordinator's HTTPS certificate (nil: system store).
    public var coordinatorCA: String?
    /// Pre-auth key for the first start (ignored once the state directory holds an identity).
    public var preAuthKey: String?
    /// Keys and registration (created 0700, files 0600).
    public var stateDirectory: String
    /// Requested node name.
    public var name: String
    /// WireGuard interface name.
    public var interface: String
    /// Start `wireguard-go` for the interface (otherwise it must already run).
    public var startWireGuardGo: Bool
    /// wireguard-go's own listen port (on loopback use only: peers reach it through the agent).
    public var wireGuardPort: UInt16
    /// The address the node's one tailnet UDP port binds (probes, direct WireGuard, relay-framed packets).
    public var tailnetHost: String
    /// The tailnet UDP port number.
    public var tailnetPort: UInt16
    /// Local API socket path.
    public var socketPath: String
    /// Path selection timings.
    public var policy: PathPolicy
    /// Forced path kinds by peer name ("*" = every peer).
    public var forced: [String: PathKind]
    /// How often the reflexive address is re-learnt with STUN and endpoints re-published.
    public var endpointRefreshInterval: Duration
    /// Interfaces whose addresses are never published as direct candidates, beyond those `CandidateFilter` always
    /// leaves out (`--exclude-interface`).
    public var excludedInterfaces: [InterfacePattern] = []
    /// How WireGuard is configured: wireguard-go's UAPI socket or `wg(8)` (kernel WireGuard).
    public var wireGuardBackend = WireGuardBackend.uapi
    /// When the node certificate is renewed.
    public var renewal = CertificateRenewal.Policy()
    /// UDP segmentation and receive offload (GSO/GRO) on the data path where the kernel has them.
    public var udpOffload = true

    /// Creates a configuration (endpoints re-published every 20 s by default).
    public init(
        coordinator: String, coordinatorCA: String? = nil, preAuthKey: String?, stateDirectory: String, name: String,
        interface: String,
        startWireGuardGo: Bool, wireGuardPort: UInt16, tailnetHost: String, tailnetPort: UInt16, socketPath: String,
        policy: PathPolicy, forced: [String: PathKind], endpointRefreshInterval: Duration = .seconds(20)
    ) {
        self.coordinator = coordinator
        self.coordinatorCA = coordinatorCA
        self.preAuthKey = preAuthKey
        self.stateDirectory = stateDirectory
        self.name = name
        self.interface = interface
        self.startWireGuardGo = startWireGuardGo
        self.wireGuardPort = wireGuardPort
        self.tailnetHost = tailnetHost
        self.tailnetPort = tailnetPort
        self.socketPath = socketPath
        self.policy = policy
        self.forced = forced
        self.endpointRefreshInterval = endpointRefreshInterval
    }

    /// TLS settings for the coordinator client.
    var tls: TLSConfiguration {
        TLSConfiguration(certificateAuthority: coordinatorCA.map { .file($0) })
    }
}
