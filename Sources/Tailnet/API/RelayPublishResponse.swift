/// Response to `POST /v1/relays`.
public struct RelayPublishResponse: Codable, Sendable, Equatable {
    /// The relay as stored, with its certificate.
    public var relay: RelayInfo
    /// Tailnet identity and the CA keys the relay must trust.
    public var tailnet: TailnetInfo

    /// Creates a publish response.
    public init(relay: RelayInfo, tailnet: TailnetInfo) {
        self.relay = relay
        self.tailnet = tailnet
    }
}
