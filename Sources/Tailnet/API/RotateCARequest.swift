/// Body of `POST /v1/ca/rotate`.
public struct RotateCARequest: Codable, Sendable, Equatable {
    /// How long the previous CA key stays trusted, in seconds (default 7 days).
    public var overlapSeconds: Int64?

    /// Creates a rotation request.
    public init(overlapSeconds: Int64?) {
        self.overlapSeconds = overlapSeconds
    }
}
