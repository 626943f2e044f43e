/// Body of `POST /v1/register`: join the tailnet with a pre-auth key.
public struct RegisterRequest: Codable, Sendable, Equatable {
    /// The pre-auth key secret (`prkey_…`).
    public var preAuthKey: String?
    /// The node's X25519 public key, standard base64 of 32 bytes.
    public var publicKey: String?
    /// Requested node name (DNS label: `[a-z0-9-]`, 1…63); a suffix is added if it is taken.
    public var name: String?
    /// Endpoints (`ip:port`, `[ipv6]:port`) where peers may reach the node directly.
    public var endpoints: [String]?
    /// The node's WireGuard public key (standard base64 of 32 bytes), distinct from its control key `publicKey`.
    /// Nodes that run WireGuard send it; peers find it in their netmaps.
    public var wireGuardKey: String?

    /// Creates a registration request.
    public init(
        preAuthKey: String?, publicKey: String?, name: String?, endpoints: [String]? = nil, wireGuardKey: String? = nil
    ) {
        self.preAuthKey = preAuthKey
        self.publicKey = publicKey
        self.name = name
        self.endpoints = endpoints
        self.wireGuardKey = wireGuardKey
    }
}
