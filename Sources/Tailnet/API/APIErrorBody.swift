/// The JSON body of every error response of the coordinator API.
///
/// `error` is a stable machine-readable code (`unauthorized`, `forbidden`, `invalid_request`, `not_found`,
/// `conflict`, `internal`); `message` says what is wrong and what to do; `fields` maps each rejected request field
/// to what is wrong with it (only for `invalid_request`).
public struct APIErrorBody: Codable, Sendable, Equatable {
    /// Stable machine-readable error code.
    public var error: String
    /// What is wrong and what to do, for humans.
    public var message: String
    /// Field-level messages for a rejected request body or query.
    public var fields: [String: String]?

    /// Creates an error body.
    public init(error: String, message: String, fields: [String: String]? = nil) {
        self.error = error
        self.message = message
        self.fields = fields
    }
}
