public import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tailnet at one netmap version, with every peer and relay entry JSON-encoded once so that serving a netmap
/// to each of many long-polling nodes costs byte copies, not a JSON encoding of the whole tailnet per node.
public struct NetmapSnapshot: Sendable {
    /// A node with its current certificate.
    public struct Member: Sendable, Equatable {
        /// The node.
        public var node: NodeInfo
        /// Its certificate, base64.
        public var certificate: String
    }

    /// Netmap version.
    public let version: Int64
    let tailnetID: String
    let tailnetName: String
    let members: [Member]
    let relays: [RelayInfo]
    let grants: [Grant]
    let revokedSerials: [UInt64]
    let caPublicKeys: [CAKeyInfo]
    let fallbackRelays: [FallbackRelay]

    private let memberIndex: [String: Int]
    private let peerJSON: [[UInt8]]
    private let relayJSON: [[UInt8]]
    private let head: [UInt8]
    private let tail: [UInt8]

    private struct Head: Encodable {
        var version: Int64
        var tailnetID: String
        var tailnetName: String
    }

    private struct Tail: Encodable {
        var revokedSerials: [UInt64]
        var caPublicKeys: [CAKeyInfo]
        var fallbackRelays: [FallbackRelay]
    }

    init(
        version: Int64, tailnetID: String, tailnetName: String, members: [Member], relays: [RelayInfo],
        grants: [Grant], revokedSerials: [UInt64], caPublicKeys: [CAKeyInfo], fallbackRelays: [FallbackRelay] = []
    ) throws {
        self.version = version
        self.tailnetID = tailnetID
        self.tailnetName = tailnetName
        self.members = members
        self.relays = relays
        self.grants = grants
        self.revokedSerials = revokedSerials
        self.caPublicKeys = caPublicKeys
        self.fallbackRelays = fallbackRelays
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        memberIndex = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.node.id, $0) })
        peerJSON = try members.map { member in
            let node = member.node
            return Array(
                try encoder.encode(
                    NetmapPeer(
                        id: node.id, name: node.name, publicKey: node.publicKey, address: node.address,
                        endpoints: node.endpoints, tags: node.tags, wireGuardKey: node.wireGuardKey)))
        }
        relayJSON = try relays.map { Array(try encoder.encode($0)) }
        var head = Array(try encoder.encode(Head(version: version, tailnetID: tailnetID, tailnetName: tailnetName)))
        head.removeLast()  // the closing brace; the member list continues the object
        head += Array(#","self":"#.utf8)
        self.head = head
        var tail = Array(
            try encoder.encode(
                Tail(revokedSerials: revokedSerials, caPublicKeys: caPublicKeys, fallbackRelays: fallbackRelays)))
        tail[0] = UInt8(ascii: ",")  // the opening brace; these members close the object
        self.tail = tail
    }

    /// The netmap of node `nodeID` as a value, or `nil` if the node is not a member at this version.
    public func netmap(for nodeID: String) -> Netmap? {
        guard let index = memberIndex[nodeID] else { return nil }
        let me = members[index]
        return Netmap(
            version: version, tailnetID: tailnetID, tailnetName: tailnetName,
            selfNode: NetmapSelf(node: me.node, certificate: me.certificate),
            peers: members.filter { $0.node.id != nodeID }.map {
                NetmapPeer(
                    id: $0.node.id, name: $0.node.name, publicKey: $0.node.publicKey, address: $0.node.address,
                    endpoints: $0.node.endpoints, tags: $0.node.tags, wireGuardKey: $0.node.wireGuardKey)
            },
            relays: relays.filter {
                GrantPolicy.allows(nodeTags: me.node.tags, relayTags: $0.tags, grants: grants)
            }, revokedSerials: revokedSerials, caPublicKeys: caPublicKeys, fallbackRelays: fallbackRelays)
    }

    /// The netmap of node `nodeID` as JSON (the same document ``netmap(for:)`` describes), or `nil` if the node is
    /// not a member at this version.
    public func render(for nodeID: String) throws -> [UInt8]? {
        guard let index = memberIndex[nodeID] else { return nil }
        let me = members[index]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out = [UInt8]()
        out.reserveCapacity(head.count + tail.count + peerJSON.count * 220 + relayJSON.count * 600 + 1024)
        out += head
        out += try encoder.encode(NetmapSelf(node: me.node, certificate: me.certificate))
        out += Array(#","peers":["#.utf8)
        var first = true
        for (position, peer) in peerJSON.enumerated() where position != index {
            if !first { out.append(UInt8(ascii: ",")) }
            out += peer
            first = false
        }
        out += Array(#"],"relays":["#.utf8)
        first = true
        for (position, relay) in relays.enumerated()
        where GrantPolicy.allows(nodeTags: me.node.tags, relayTags: relay.tags, grants: grants) {
            if !first { out.append(UInt8(ascii: ",")) }
            out += relayJSON[position]
            first = false
        }
        out.append(UInt8(ascii: "]"))
        out += tail
        return out
    }
}
