/// Body of `POST /v1/keys`: create a pre-auth key.
public struct PreAuthKeyRequest: Codable, Sendable, Equatable {
    /// Whether the key may register more than one node.
    public var reusable: Bool?
    /// Lifetime in seconds (1 s … 365 days); default 24 h.
    public var expiresInSeconds: Int64?
    /// Tags granted to nodes registered with this key (`tag:name`).
    public var tags: [String]?
    /// Free-form note shown in listings.
    public var description: String?

    /// Creates a request.
    public init(
        reusable: Bool? = nil, expiresInSeconds: Int64? = nil, tags: [String]? = nil, description: String? = nil
    ) {
        self.reusable = reusable
        self.expiresInSeconds = expiresInSeconds
        self.tags = tags
        self.description = description
    }
}
