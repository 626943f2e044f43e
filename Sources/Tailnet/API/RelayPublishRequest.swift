/// Body of `POST /v1/relays`: publish (or re-publish) one relay replica and receive its certificate.
public struct RelayPublishRequest: Codable, Sendable, Equatable {
    /// Relay name (DNS label), shared by all replicas of one relay.
    public var name: String?
    /// Replica index (0…65535); `name` + `replica` identify the entry.
    public var replica: Int?
    /// The relay's X25519 public key, standard base64 of 32 bytes.
    public var publicKey: String?
    /// UDP endpoints clients send to (`ip:port`, `[ipv6]:port`), 1…8.
    public var endpoints: [String]?
    /// Tags (`tag:name`) used by grants and written into the certificate.
    public var tags: [String]?
    /// Free-form labels (not in the certificate), e.g. namespace or region.
    public var labels: [String: String]?

    /// Creates a publish request.
    public init(
        name: String?, replica: Int?, publicKey: String?, endpoints: [String]?, tags: [String]? = nil,
        labels: [String: String]? = nil
    ) {
        self.name = name
        self.replica = replica
        self.publicKey = publicKey
        self.endpoints = endpoints
        self.tags = tags
        self.labels = labels
    }
}
