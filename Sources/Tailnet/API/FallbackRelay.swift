/// A fallback relay (PeerRelay's TCP relay of last resort, docs/fallback.md) as netmaps list it under
/// `fallbackRelays`.
public struct FallbackRelay: Codable, Sendable, Equatable {
    /// Region name.
    public var region: String
    /// URL of its `/fallback` endpoint, e.g. `https://coordinator.example:443/fallback`.
    public var url: String

    /// Creates a fallback relay entry.
    public init(region: String, url: String) {
        self.region = region
        self.url = url
    }
}
