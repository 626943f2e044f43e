/// `/debug/config`: the configuration in effect (after reloads), without secrets.
public struct ConfigDocument: Codable, Sendable, Equatable {
    public struct Limits: Codable, Sendable, Equatable {
        public var maxSessions: Int
        public var maxSessionsPerNode: Int
        public var idleTimeoutSeconds: Int64
        public var bindTimeoutSeconds: Int64
        public var allocationsPerSecond: Double
        public var allocationBurst: Int
        public var bindsPerSecond: Double
        public var bindBurst: Int
    }

    public var tailnet: String
    public var relayKey: String
    public var certificateName: String
    public var certificateSerial: UInt64
    public var certificateNotAfter: Int64
    public var listenAddresses: [String]
    public var port: Int
    public var advertisedEndpoints: [String]
    public var caKeyIDs: [String]
    public var revokedSerials: [UInt64]
    public var limits: Limits
    public var uptimeSeconds: Int64
}
