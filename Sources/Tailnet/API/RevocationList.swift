/// Revoked, not yet expired certificate serials (`GET /v1/revocations`), for relays.
public struct RevocationList: Codable, Sendable, Equatable {
    /// Netmap version the list was taken at (monotonic).
    public var version: Int64
    /// Tailnet id.
    public var tailnetID: String
    /// Revoked serials, ascending.
    public var serials: [UInt64]
    /// Trusted CA keys.
    public var caPublicKeys: [CAKeyInfo]
    /// Unix seconds at which the coordinator produced the list.
    public var generatedAt: Int64

    /// Creates a revocation list.
    public init(version: Int64, tailnetID: String, serials: [UInt64], caPublicKeys: [CAKeyInfo], generatedAt: Int64) {
        self.version = version
        self.tailnetID = tailnetID
        self.serials = serials
        self.caPublicKeys = caPublicKeys
        self.generatedAt = generatedAt
    }
}
