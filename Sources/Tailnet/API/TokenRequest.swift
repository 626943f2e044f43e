/// Body of `POST /v1/tokens`: create an API token.
public struct TokenRequest: Codable, Sendable, Equatable {
    /// `admin` or `relay-publisher`.
    public var kind: String?
    /// Free-form note shown in listings.
    public var description: String?

    /// Creates a token request.
    public init(kind: String?, description: String? = nil) {
        self.kind = kind
        self.description = description
    }
}
