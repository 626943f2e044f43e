/// What `relayctl status` shows: this node and, per peer, the path in use and why no better one is.
public struct AgentStatus: Codable, Sendable, Equatable {
    /// One peer.
    public struct Peer: Codable, Sendable, Equatable {
        /// The peer's node name.
        public var name: String
        /// Tailnet address.
        public var address: String
        /// Control key, base64.
        public var controlKey: String
        /// The path in use, its candidates and why.
        public var path: PeerPathReport
        /// Bytes WireGuard sent to the peer, by path kind.
        public var bytesSent: [String: UInt64]
        /// Bytes received from the peer, by path kind.
        public var bytesReceived: [String: UInt64]
        /// Unix seconds of the last WireGuard handshake (nil: none yet).
        public var lastHandshake: Int64?

        /// Creates a peer entry.
        public init(
            name: String, address: String, controlKey: String, path: PeerPathReport, bytesSent: [String: UInt64],
            bytesReceived: [String: UInt64], lastHandshake: Int64?
        ) {
            self.name = name
            self.address = address
            self.controlKey = controlKey
            self.path = path
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.lastHandshake = lastHandshake
        }
    }

    /// This node's name.
    public var name: String
    /// This node's tailnet address.
    public var address: String
    /// Endpoints this node publishes.
    public var endpoints: [String]
    /// Whether the fallback relay has admitted this node now.
    public var fallbackConnected: Bool
    /// Every peer, with its path.
    public var peers: [Peer]

    /// Creates a status.
    public init(name: String, address: String, endpoints: [String], fallbackConnected: Bool, peers: [Peer]) {
        self.name = name
        self.address = address
        self.endpoints = endpoints
        self.fallbackConnected = fallbackConnected
        self.peers = peers
    }
}

/// The answer to `relayctl ping`.
public struct AgentPong: Codable, Sendable, Equatable {
    /// The peer's node name.
    public var peer: String
    /// The path that answered first, e.g. "relay edge-0".
    public var path: String
    /// Round trip of the first answer, in milliseconds.
    public var rttMilliseconds: Double

    /// Creates a pong.
    public init(peer: String, path: String, rttMilliseconds: Double) {
        self.peer = peer
        self.path = path
        self.rttMilliseconds = rttMilliseconds
    }
}
