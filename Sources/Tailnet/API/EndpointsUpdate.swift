/// Body of `PUT /v1/node/endpoints`: the node reports where peers can reach it directly.
public struct EndpointsUpdate: Codable, Sendable, Equatable {
    /// Endpoints (`ip:port`, `[ipv6]:port`), at most 16.
    public var endpoints: [String]?

    /// Creates an update.
    public init(endpoints: [String]?) {
        self.endpoints = endpoints
    }
}
