/// A registered node.
public struct NodeInfo: Codable, Sendable, Equatable {
    /// Node id (also the certificate subject id).
    public var id: String
    /// Unique node name.
    public var name: String
    /// X25519 public key, standard base64: the control key (node certificate, sealed probes, relay sessions).
    public var publicKey: String
    /// WireGuard public key, standard base64 (nil for nodes that registered without one).
    public var wireGuardKey: String?
    /// Tailnet address from 100.64.0.0/10.
    public var address: String
    /// Tags granted by the pre-auth key.
    public var tags: [String]
    /// Endpoints the node reported.
    public var endpoints: [String]
    /// Serial of the node's current certificate.
    public var certificateSerial: UInt64
    /// Unix seconds at which the current certificate expires.
    public var certificateExpiresAt: Int64
    /// Unix seconds of registration.
    public var createdAt: Int64

    /// Creates a node entry.
    public init(
        id: String, name: String, publicKey: String, address: String, tags: [String], endpoints: [String],
        certificateSerial: UInt64, certificateExpiresAt: Int64, createdAt: Int64, wireGuardKey: String? = nil
    ) {
        self.id = id
        self.name = name
        self.publicKey = publicKey
        self.wireGuardKey = wireGuardKey
        self.address = address
        self.tags = tags
        self.endpoints = endpoints
        self.certificateSerial = certificateSerial
        self.certificateExpiresAt = certificateExpiresAt
        self.createdAt = createdAt
    }
}
