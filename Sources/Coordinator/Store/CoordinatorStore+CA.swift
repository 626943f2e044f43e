import GRDB
public import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorStore {
    /// The outcome of a CA rotation.
    public struct Rotation: Sendable {
        /// Tailnet info after the rotation (both keys listed).
        public var tailnet: TailnetInfo
        /// Node and relay certificates re-issued with the new key.
        public var reissued: Int
    }

    /// Rotates the tailnet CA: a new key becomes active, the previous one stays trusted for `overlap` seconds, and
    /// every node and relay certificate is re-issued with the new key (nodes get theirs through the netmap, relays
    /// through `POST /v1/relays` or `GET /v1/relays/{id}`).
    public func rotateCA(overlap: Int64) async throws -> Rotation {
        guard (0...(365 * 86_400)).contains(overlap) else {
            throw CoordinatorError.invalid("bad request", fields: ["overlapSeconds": "must be 0…31536000 seconds"])
        }
        let now = self.now()
        let signer = self.signer
        return try await write { db in
            _ = try Self.tailnet(db)
            let key = try signer.generateKey()
            try db.execute(
                sql: "UPDATE ca_keys SET active = 0, trusted_until = ? WHERE active = 1", arguments: [now + overlap])
            try db.execute(
                sql: "INSERT INTO ca_keys (key_id, public_key, active, created_at) VALUES (?, ?, 1, ?)",
                arguments: [key.keyID, Data(key.publicKey), now])
            var reissued = 0
            for node in try Self.nodes(db) {
                let certificate = try self.issueCertificate(
                    db, role: .node, subjectKey: Array(Data(base64Encoded: node.publicKey) ?? Data()),
                    subjectID: node.id, subjectName: node.name, tags: node.tags,
                    validFor: self.policy.nodeCertificateLifetime, now: now)
                try db.execute(
                    sql: "UPDATE nodes SET cert_serial = ? WHERE id = ?",
                    arguments: [Int64(certificate.serial), node.id])
                reissued += 1
            }
            for relay in try Self.relays(db) {
                let subjectName = relay.replica == 0 ? relay.name : "\(relay.name)-\(relay.replica)"
                let certificate = try self.issueCertificate(
                    db, role: .relay, subjectKey: Array(Data(base64Encoded: relay.publicKey) ?? Data()),
                    subjectID: relay.id, subjectName: String(subjectName.utf8.prefix(63)) ?? relay.name,
                    tags: relay.tags, validFor: self.policy.relayCertificateLifetime, now: now)
                try db.execute(
                    sql: "UPDATE relays SET cert_serial = ? WHERE id = ?",
                    arguments: [Int64(certificate.serial), relay.id])
                reissued += 1
            }
            try Self.bumpVersion(db)
            return Rotation(tailnet: try Self.tailnetInfo(db, now: now), reissued: reissued)
        }
    }

    /// Revoked serials and trusted CA keys, for relays.
    public func revocationList() async throws -> RevocationList {
        let now = self.now()
        return try await read { db in
            let tailnet = try Self.tailnet(db)
            return RevocationList(
                version: tailnet.netmapVersion, tailnetID: tailnet.id, serials: try Self.revokedSerials(db, now: now),
                caPublicKeys: try Self.caKeys(db, now: now), generatedAt: now)
        }
    }
}
