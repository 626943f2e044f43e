/// Identity and trust anchors of a tailnet (`GET /v1/tailnet`).
public struct TailnetInfo: Codable, Sendable, Equatable {
    /// Tailnet id as written into certificates (`[a-z0-9.-]`, 1…63 bytes).
    public var id: String
    /// Human-readable tailnet name.
    public var name: String
    /// Trusted CA public keys (two during a rotation overlap).
    public var caPublicKeys: [CAKeyInfo]
    /// Current netmap version.
    public var netmapVersion: Int64

    /// Creates tailnet info.
    public init(id: String, name: String, caPublicKeys: [CAKeyInfo], netmapVersion: Int64) {
        self.id = id
        self.name = name
        self.caPublicKeys = caPublicKeys
        self.netmapVersion = netmapVersion
    }
}
