/// A DERP fallback server. The coordinator publishes none yet; the type fixes the netmap shape.
public struct DERPServer: Codable, Sendable, Equatable {
    /// Region name.
    public var region: String
    /// HTTPS URL.
    public var url: String

    /// Creates a DERP entry.
    public init(region: String, url: String) {
        self.region = region
        self.url = url
    }
}
