/// A pre-auth key as listed by the coordinator. The secret itself is only returned once, at creation.
public struct PreAuthKeyInfo: Codable, Sendable, Equatable {
    /// Key id (not secret).
    public var id: String
    /// Whether the key may register more than one node.
    public var reusable: Bool
    /// Tags granted to nodes registered with this key.
    public var tags: [String]
    /// Free-form note.
    public var description: String
    /// Unix seconds of creation.
    public var createdAt: Int64
    /// Unix seconds after which the key is refused.
    public var expiresAt: Int64
    /// Unix seconds of revocation, if revoked.
    public var revokedAt: Int64?
    /// How many nodes registered with this key.
    public var useCount: Int
    /// `valid`, `expired`, `revoked` or `used` (single-use key already used).
    public var state: String
    /// The secret (`prkey_…`); present only in the response to creation.
    public var key: String?

    /// Creates a key listing entry.
    public init(
        id: String, reusable: Bool, tags: [String], description: String, createdAt: Int64, expiresAt: Int64,
        revokedAt: Int64?, useCount: Int, state: String, key: String? = nil
    ) {
        self.id = id
        self.reusable = reusable
        self.tags = tags
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.useCount = useCount
        self.state = state
        self.key = key
    }
}
