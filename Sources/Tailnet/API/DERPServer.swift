/// A fallback relay (PeerRelay's DERP-like TCP relay, docs/fallback.md) as listed in netmaps under `derp`.
public struct DERPServer: Codable, Sendable, Equatable {
    /// Region name.
    public var region: String
    /// URL of its `/fallback` endpoint, e.g. `https://coordinator.example:443/fallback`.
    public var url: String

    /// Creates a DERP entry.
    public init(region: String, url: String) {
        self.region = region
        self.url = url
    }
}
