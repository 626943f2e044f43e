/// What `relayctl status` shows: this node and, per peer, the path in use and why no better one is.
public struct AgentStatus: Codable, Sendable, Equatable {
    /// One peer.
    public struct Peer: Codable, Sendable, Equatable {
        public var name: String
        /// Tailnet address.
        public var address: String
        /// Control key, base64.
        public var controlKey: String
        public var path: PeerPathReport
        /// Bytes WireGuard sent to the peer, by path kind.
        public var bytesSent: [String: UInt64]
        /// Bytes received from the peer, by path kind.
        public var bytesReceived: [String: UInt64]
        /// Unix seconds of the last WireGuard handshake (nil: none yet).
        public var lastHandshake: Int64?

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

    public var name: String
    public var address: String
    /// Endpoints this node publishes.
    public var endpoints: [String]
    public var fallbackConnected: Bool
    public var peers: [Peer]

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
    public var peer: String
    /// The path that answered first, e.g. "relay edge-0".
    public var path: String
    public var rttMilliseconds: Double

    public init(peer: String, path: String, rttMilliseconds: Double) {
        self.peer = peer
        self.path = path
        self.rttMilliseconds = rttMilliseconds
    }
}
