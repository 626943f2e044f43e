import Foundation
import Tailnet
import Testing

@testable import Coordinator

@Suite struct NetmapSnapshotTests {
    static func member(_ id: String, tags: [String] = []) -> NetmapSnapshot.Member {
        NetmapSnapshot.Member(
            node: NodeInfo(
                id: id, name: "name-\(id)", publicKey: "pk-\(id)", address: "100.64.0.\(id.count)", tags: tags,
                endpoints: ["192.0.2.\(id.count):41641"], certificateSerial: 7, certificateExpiresAt: 99, createdAt: 1),
            certificate: "cert-\(id)")
    }

    static func relay(_ id: String, tags: [String]) -> RelayInfo {
        RelayInfo(
            id: id, name: id, replica: 0, publicKey: "rk", endpoints: ["192.0.2.9:7000"], tags: tags, labels: [:],
            certificate: "rc", certificateSerial: 3, certificateExpiresAt: 100, updatedAt: 1)
    }

    static func snapshot(grants: [Grant]) throws -> NetmapSnapshot {
        try NetmapSnapshot(
            version: 12, tailnetID: "t", tailnetName: "T \"quoted\"",
            members: [member("a", tags: ["tag:ci"]), member("bb"), member("ccc")],
            relays: [relay("r1", tags: ["tag:fast"]), relay("r2", tags: ["tag:slow"])], grants: grants,
            revokedSerials: [4, 5],
            caPublicKeys: [CAKeyInfo(keyID: "00", publicKey: "k", active: true, trustedUntil: nil)])
    }

    @Test func renderedJSONDecodesToTheSameNetmap() throws {
        let snapshot = try Self.snapshot(grants: [])
        for id in ["a", "bb", "ccc"] {
            let bytes = try #require(try snapshot.render(for: id))
            let decoded = try JSONDecoder().decode(Netmap.self, from: Data(bytes))
            #expect(decoded == snapshot.netmap(for: id))
            #expect(decoded.peers.count == 2)
            #expect(!decoded.peers.contains { $0.id == id })
            #expect(decoded.selfNode.node.id == id)
        }
    }

    @Test func relaysAreFilteredByGrants() throws {
        let snapshot = try Self.snapshot(grants: [Grant(src: ["tag:ci"], dst: ["tag:fast"])])
        let ci = try JSONDecoder().decode(Netmap.self, from: Data(try #require(try snapshot.render(for: "a"))))
        #expect(ci.relays.map(\.id) == ["r1"])
        let other = try JSONDecoder().decode(Netmap.self, from: Data(try #require(try snapshot.render(for: "bb"))))
        #expect(other.relays.isEmpty)
        #expect(other.revokedSerials == [4, 5])
    }

    @Test func unknownNodeHasNoNetmap() throws {
        #expect(try Self.snapshot(grants: []).render(for: "zz") == nil)
    }
}
