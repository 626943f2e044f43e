/// The relay's configuration contract: one layer of relay-server settings (flags, environment or config file).
///
/// relay-server reads its JSON config file as this type, and the operator writes each replica's file by encoding
/// it, so the two cannot disagree on a key. The file's keys are exactly these property names. Every field is
/// optional: `nil` means "this layer does not say". relay-server merges the layers (flags over environment over
/// file) and fills what none of them says from ``defaults``. docs/relay-server.md describes every setting.
public struct RelaySettings: Sendable, Equatable, Codable {
    // Sockets
    public var listenAddresses: [String]?
    public var port: Int?
    public var sockets: Int?
    public var readBatch: Int?
    public var socketBufferBytes: Int?
    public var maxDatagramBytes: Int?
    public var udpGRO: Bool?
    public var udpGSO: Bool?
    public var batchedIO: Bool?
    // Admin HTTP
    public var adminAddress: String?
    public var adminPort: Int?
    // Identity and trust
    public var privateKeyFile: String?
    public var certificateFile: String?
    public var caKeys: [String]?
    public var caKeyFiles: [String]?
    public var revokedSerials: [UInt64]?
    public var advertisedEndpoints: [String]?
    // Membership from the coordinator
    public var coordinatorURL: String?
    public var coordinatorCAFile: String?
    public var stateDirectory: String?
    public var revocationsWaitSeconds: Int?
    // Limits
    public var maxSessions: Int?
    public var maxSessionsPerNode: Int?
    public var idleTimeoutSeconds: Int?
    public var bindTimeoutSeconds: Int?
    public var allocationsPerSecond: Double?
    public var allocationBurst: Int?
    public var bindsPerSecond: Double?
    public var bindBurst: Int?
    // Logs and reload
    public var logFormat: String?
    public var logLevel: String?
    public var reloadIntervalMilliseconds: Int?

    /// Settings that say nothing (every field `nil`).
    public init() {}
}
