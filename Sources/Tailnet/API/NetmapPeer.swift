/// Another node, as seen in a netmap.
public struct NetmapPeer: Codable, Sendable, Equatable {
    /// Node id.
    public var id: String
    /// Node name.
    public var name: String
    /// X25519 public key, standard base64: the control key (seals probes; names the peer at relays).
    public var publicKey: String
    /// WireGuard public key, standard base64 (nil if the peer registered without one).
    public var wireGuardKey: String?
    /// Tailnet address.
    public var address: String
    /// Endpoints the node reported.
    public var endpoints: [String]
    /// Tags.
    public var tags: [String]

    /// Creates a peer entry.
    public init(
        id: String, name: String, publicKey: String, address: String, endpoints: [String], tags: [String],
        wireGuardKey: String? = nil
    ) {
        self.id = id
        self.name = name
        self.publicKey = publicKey
        self.wireGuardKey = wireGuardKey
        self.address = address
        self.endpoints = endpoints
        self.tags = tags
    }
}
