/// One layer of relay settings (flags, environment or config file). Every field is optional: `nil` means "this
/// layer does not say". Layers are merged with ``overriding(_:)`` (flags over environment over file) and resolved
/// into a ``RelayServerConfiguration``.
///
/// The JSON config file uses exactly these property names as keys.
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

    public init() {}

    /// These settings, with every field this layer leaves `nil` taken from `lower`.
    public func overriding(_ lower: RelaySettings) -> RelaySettings {
        var merged = self
        for field in RelaySettingField.all {
            field.fill(&merged, from: lower)
        }
        return merged
    }
}
