public import RelayCore

/// One WireGuard peer as the agent configures it: the peer's WireGuard key, its tailnet address, and the agent's
/// loopback socket that stands in for the peer's endpoint.
public struct WireGuardPeer: Hashable, Sendable {
    /// The peer's WireGuard public key.
    public var publicKey: PublicKey
    /// The agent's per-peer loopback socket (WireGuard sends there; the agent moves the packets on).
    public var endpoint: EndpointAddress
    /// Allowed IPs in CIDR form, e.g. "100.64.0.7/32".
    public var allowedIPs: [String]

    /// Creates a peer configuration.
    public init(publicKey: PublicKey, endpoint: EndpointAddress, allowedIPs: [String]) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.allowedIPs = allowedIPs
    }

    /// What moves WireGuard from the peers it has to `desired`: keys to remove and peers to add or rewrite
    /// (endpoint and allowed IPs), each sorted by key.
    public static func changes(from current: [WireGuardPeer], to desired: [WireGuardPeer]) -> (
        removed: [PublicKey], changed: [WireGuardPeer]
    ) {
        let have = Dictionary(current.map { ($0.publicKey, $0) }, uniquingKeysWith: { a, _ in a })
        let want = Dictionary(desired.map { ($0.publicKey, $0) }, uniquingKeysWith: { a, _ in a })
        let removed = have.keys.sorted().filter { want[$0] == nil }
        let changed = want.keys.sorted().filter { have[$0] != want[$0] }.map { want[$0]! }
        return (removed, changed)
    }
}

/// What wireguard-go reports about one peer (`get=1`).
public struct WireGuardPeerStatus: Hashable, Sendable {
    /// The peer's WireGuard public key.
    public var publicKey: PublicKey
    /// The endpoint wireguard-go last sent to (nil: none set).
    public var endpoint: String?
    /// Unix seconds of the last handshake (nil: never).
    public var lastHandshake: Int64?
    /// Bytes received from the peer (`rx_bytes`).
    public var receivedBytes: UInt64 = 0
    /// Bytes sent to the peer (`tx_bytes`).
    public var sentBytes: UInt64 = 0
    /// Allowed IPs in CIDR form.
    public var allowedIPs: [String] = []
}
