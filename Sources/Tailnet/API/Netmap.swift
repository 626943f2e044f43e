/// What a node knows about its tailnet (`GET /v1/netmap`), versioned: every change that affects any node
/// (membership, endpoints, relays, grants, revocations, CA keys) increases `version`.
public struct Netmap: Codable, Sendable, Equatable {
    /// Monotonic version.
    public var version: Int64
    /// Tailnet id.
    public var tailnetID: String
    /// Tailnet name.
    public var tailnetName: String
    /// The polling node itself, with its current certificate (re-issued after renewal or CA rotation).
    public var selfNode: NetmapSelf
    /// Every other node of the tailnet.
    public var peers: [NetmapPeer]
    /// Relays this node may use (after grants).
    public var relays: [RelayInfo]
    /// Revoked, not yet expired certificate serials.
    public var revokedSerials: [UInt64]
    /// Trusted CA keys (two during a rotation overlap).
    public var caPublicKeys: [CAKeyInfo]
    /// Fallback relays with their regions (the coordinator's embedded one first; docs/fallback.md).
    public var fallbackRelays: [FallbackRelay]

    enum CodingKeys: String, CodingKey {
        case version, tailnetID, tailnetName, selfNode = "self", peers, relays, revokedSerials, caPublicKeys,
            fallbackRelays
    }

    /// Creates a netmap.
    public init(
        version: Int64, tailnetID: String, tailnetName: String, selfNode: NetmapSelf, peers: [NetmapPeer],
        relays: [RelayInfo], revokedSerials: [UInt64], caPublicKeys: [CAKeyInfo], fallbackRelays: [FallbackRelay]
    ) {
        self.version = version
        self.tailnetID = tailnetID
        self.tailnetName = tailnetName
        self.selfNode = selfNode
        self.peers = peers
        self.relays = relays
        self.revokedSerials = revokedSerials
        self.caPublicKeys = caPublicKeys
        self.fallbackRelays = fallbackRelays
    }
}
