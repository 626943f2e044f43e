/// Response to removing a node or unpublishing a relay.
public struct RemovalResult: Codable, Sendable, Equatable {
    /// Certificate serials revoked by the removal (now in every netmap and revocation list).
    public var revokedSerials: [UInt64]
    /// Netmap version after the change.
    public var netmapVersion: Int64

    /// Creates a removal result.
    public init(revokedSerials: [UInt64], netmapVersion: Int64) {
        self.revokedSerials = revokedSerials
        self.netmapVersion = netmapVersion
    }
}
