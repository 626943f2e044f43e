/// What `/debug/fallback` shows: the connected nodes by certificate name.
public struct FallbackDebugListing: Codable, Sendable, Equatable {
    /// One connected node.
    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        public var nodeID: String
        public var key: String
        public var serial: UInt64
        public var certificateNotAfter: Int64
        /// Unix seconds.
        public var connectedAt: Int64
        public var remote: String
        public var transport: String
        public var watches: Bool
        public var packetsIn: UInt64
        public var packetsOut: UInt64
        public var bytesIn: UInt64
        public var bytesOut: UInt64
        /// Packets for this node dropped because its queue was full.
        public var dropped: UInt64
        public var queued: Int
    }

    public var region: String
    public var serverKey: String
    public var clients: Int
    public var nodes: [Node]
}
