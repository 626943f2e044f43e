/// Body of `GET`/`PUT /v1/grants`: the complete grant list (PUT replaces it).
public struct GrantList: Codable, Sendable, Equatable {
    /// The grants; empty means every member may use every relay.
    public var grants: [Grant]?

    /// Creates a grant list.
    public init(grants: [Grant]?) {
        self.grants = grants
    }
}
