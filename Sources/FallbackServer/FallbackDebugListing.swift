/// What `/debug/fallback` shows: the connected nodes by certificate name.
public struct FallbackDebugListing: Codable, Sendable, Equatable {
    /// One connected node.
    public struct Node: Codable, Sendable, Equatable {
        /// The node's name (certificate subject name).
        public var name: String
        /// The node's id (certificate subject id).
        public var nodeID: String
        /// The node's key, base64.
        public var key: String
        /// Serial of the certificate it was admitted with.
        public var serial: UInt64
        /// Unix seconds at which that certificate expires (the connection is closed then).
        public var certificateNotAfter: Int64
        /// Unix seconds.
        public var connectedAt: Int64
        /// The client's address and port.
        public var remote: String
        /// `upgrade` or `websocket`.
        public var transport: String
        /// Whether it asked to watch peers.
        public var watches: Bool
        /// Packets received from the node.
        public var packetsIn: UInt64
        /// Packets sent to the node.
        public var packetsOut: UInt64
        /// Bytes received from the node.
        public var bytesIn: UInt64
        /// Bytes sent to the node.
        public var bytesOut: UInt64
        /// Packets for this node dropped because its queue was full.
        public var dropped: UInt64
        /// Packets waiting in its send queue now.
        public var queued: Int
    }

    /// This relay's region.
    public var region: String
    /// This relay's server key, base64 (the key ClientHellos are sealed to).
    public var serverKey: String
    /// Admitted connections.
    public var clients: Int
    /// The connected nodes.
    public var nodes: [Node]
}
