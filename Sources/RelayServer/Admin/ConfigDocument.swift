/// `/debug/config`: the configuration in effect (after reloads), without secrets.
public struct ConfigDocument: Codable, Sendable, Equatable {
    /// The session limits and rates in effect.
    public struct Limits: Codable, Sendable, Equatable {
        /// Global session cap.
        public var maxSessions: Int
        /// Session cap per node key.
        public var maxSessionsPerNode: Int
        /// Seconds a bound session may stay idle.
        public var idleTimeoutSeconds: Int64
        /// Seconds an allocated session has to get both sides bound.
        public var bindTimeoutSeconds: Int64
        /// Allocate requests per second per source IP.
        public var allocationsPerSecond: Double
        /// Burst of Allocate requests per source IP.
        public var allocationBurst: Int
        /// Bind/Answer messages per second per source IP.
        public var bindsPerSecond: Double
        /// Burst of Bind/Answer messages per source IP.
        public var bindBurst: Int
    }

    /// The tailnet id (from the relay certificate).
    public var tailnet: String
    /// The relay's public key, base64.
    public var relayKey: String
    /// The relay certificate's subject name.
    public var certificateName: String
    /// The relay certificate's serial.
    public var certificateSerial: UInt64
    /// Unix seconds at which the relay certificate expires.
    public var certificateNotAfter: Int64
    /// The addresses the UDP sockets are bound to.
    public var listenAddresses: [String]
    /// The UDP port.
    public var port: Int
    /// The endpoints sent to clients in AllocateResponse.
    public var advertisedEndpoints: [String]
    /// Ids of the trusted CA keys.
    public var caKeyIDs: [String]
    /// Revoked certificate serials.
    public var revokedSerials: [UInt64]
    /// Session limits and rates.
    public var limits: Limits
    /// Seconds since the relay started.
    public var uptimeSeconds: Int64
}
