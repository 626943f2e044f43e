/// An API token. The secret is only returned once, at creation.
public struct TokenInfo: Codable, Sendable, Equatable {
    /// Token id (not secret).
    public var id: String
    /// `admin` or `relay-publisher`.
    public var kind: String
    /// Free-form note.
    public var description: String
    /// Unix seconds of creation.
    public var createdAt: Int64
    /// Unix seconds of revocation, if revoked.
    public var revokedAt: Int64?
    /// The secret; present only in the response to creation.
    public var token: String?

    /// Creates a token entry.
    public init(
        id: String, kind: String, description: String, createdAt: Int64, revokedAt: Int64?, token: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.description = description
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.token = token
    }
}
