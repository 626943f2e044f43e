import GRDB
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorStore {
    /// Everything netmaps are made of, read in one transaction so it is consistent with one version.
    public func loadNetmapSnapshot() async throws -> NetmapSnapshot {
        let now = self.now()
        let fallbackRelays = policy.fallbackRelays
        return try await read { db in
            let tailnet = try Self.tailnet(db)
            let certificates = try Row.fetchAll(
                db, sql: "SELECT c.serial, c.bytes FROM certificates c JOIN nodes n ON n.cert_serial = c.serial"
            ).reduce(into: [UInt64: String]()) { map, row in
                map[UInt64(row["serial"] as Int64)] = (row["bytes"] as Data).base64EncodedString()
            }
            let nodes = try Self.nodes(db).map { node in
                NetmapSnapshot.Member(node: node, certificate: certificates[node.certificateSerial] ?? "")
            }
            return try NetmapSnapshot(
                version: tailnet.netmapVersion, tailnetID: tailnet.id, tailnetName: tailnet.name, members: nodes,
                relays: try Self.relays(db), grants: try Self.grants(db),
                revokedSerials: try Self.revokedSerials(db, now: now), caPublicKeys: try Self.caKeys(db, now: now),
                fallbackRelays: fallbackRelays)
        }
    }

    /// A textual dump of every table, ordered, for tests that check a refused request changed nothing.
    public func dump() async throws -> String {
        try await read { db in
            var out = ""
            for table in ["tailnet", "ca_keys", "tokens", "preauth_keys", "certificates", "nodes", "relays", "grants"] {
                out += "## \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") {
                    out += row.description + "\n"
                }
            }
            return out
        }
    }
}
