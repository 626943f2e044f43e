/// The relay's configuration contract: one layer of relay-server settings (flags, environment or config file).
///
/// relay-server reads its JSON config file as this type, and the operator writes each replica's file by encoding
/// it, so the two cannot disagree on a key. The file's keys are exactly these property names. Every field is
/// optional: `nil` means "this layer does not say". relay-server merges the layers (flags over environment over
/// file) and fills what none of them says from ``defaults``. docs/relay-server.md describes every setting.
public struct RelaySettings: Sendable, Equatable, Codable {
    // Sockets
    /// `--listen`: addresses the UDP sockets bind.
    public var listenAddresses: [String]?
    /// `--port`: the UDP port (0: a free one, for tests).
    public var port: Int?
    /// `--sockets`: SO_REUSEPORT sockets per listen address.
    public var sockets: Int?
    /// `--read-batch`: datagrams per vector read (recvmmsg).
    public var readBatch: Int?
    /// `--socket-buffer-bytes`: SO_RCVBUF and SO_SNDBUF per socket.
    public var socketBufferBytes: Int?
    /// `--max-datagram-bytes`: largest datagram forwarded.
    public var maxDatagramBytes: Int?
    /// `--udp-gro`: receive coalesced trains (UDP GRO).
    public var udpGRO: Bool?
    /// `--udp-gso`: forward a train as one UDP GSO write.
    public var udpGSO: Bool?
    /// `--batched-io`: Linux batched socket threads instead of NIO channels.
    public var batchedIO: Bool?
    // Admin HTTP
    /// `--admin-address`: address of the admin HTTP server.
    public var adminAddress: String?
    /// `--admin-port`: port of the admin HTTP server.
    public var adminPort: Int?
    // Identity and trust
    /// `--private-key-file`: the relay's X25519 private key (required).
    public var privateKeyFile: String?
    /// `--certificate-file`: the relay's PEM certificate (required).
    public var certificateFile: String?
    /// `--ca-key`: trusted CA public keys, base64.
    public var caKeys: [String]?
    /// `--ca-key-file`: files holding one trusted CA public key each.
    public var caKeyFiles: [String]?
    /// `--revoked-serial`: revoked certificate serials.
    public var revokedSerials: [UInt64]?
    /// `--advertise`: endpoints sent to clients (default: the listen addresses).
    public var advertisedEndpoints: [String]?
    // Membership from the coordinator
    /// `--coordinator`: coordinator URL to long-poll revocations from.
    public var coordinatorURL: String?
    /// `--coordinator-ca-file`: PEM CA verifying an https coordinator.
    public var coordinatorCAFile: String?
    /// `--state-dir`: where the last good revocation list is kept.
    public var stateDirectory: String?
    /// `--revocations-wait`: longest wait of one revocation long poll, in seconds.
    public var revocationsWaitSeconds: Int?
    // Limits
    /// `--max-sessions`: global session cap.
    public var maxSessions: Int?
    /// `--max-sessions-per-node`: session cap per node key.
    public var maxSessionsPerNode: Int?
    /// `--idle-timeout`: seconds a bound session may stay idle.
    public var idleTimeoutSeconds: Int?
    /// `--bind-timeout`: seconds an allocated session has to get bound.
    public var bindTimeoutSeconds: Int?
    /// `--allocation-rate`: Allocate requests per second per source IP.
    public var allocationsPerSecond: Double?
    /// `--allocation-burst`: burst of Allocate requests per source IP.
    public var allocationBurst: Int?
    /// `--bind-rate`: Bind/Answer messages per second per source IP.
    public var bindsPerSecond: Double?
    /// `--bind-burst`: burst of Bind/Answer messages per source IP.
    public var bindBurst: Int?
    // Logs and reload
    /// `--log-format`: `text` or `json`.
    public var logFormat: String?
    /// `--log-level`: trace … critical.
    public var logLevel: String?
    /// `--reload-interval-ms`: how often watched files are checked.
    public var reloadIntervalMilliseconds: Int?

    /// Settings that say nothing (every field `nil`).
    public init() {}
}
