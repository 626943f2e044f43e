import GRDB
public import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorStore {
    /// The single `tailnet` row.
    struct TailnetRow: Sendable {
        var id: String
        var name: String
        var netmapVersion: Int64
    }

    /// Creates the tailnet: its identity, first CA key and first admin token.
    ///
    /// - Returns: The admin token secret (shown once; only its hash is stored).
    /// - Throws: ``CoordinatorError/conflict(_:)`` when the database already holds a tailnet,
    ///   ``CoordinatorError/invalid(_:fields:)`` for a bad id or name.
    public func initialize(tailnetID: String, name: String) async throws -> String {
        var fields: [String: String] = [:]
        if let problem = TailnetValidation.tailnetIDProblem(tailnetID) { fields["tailnetID"] = problem }
        if name.isEmpty || name.utf8.count > 128 { fields["name"] = "must be 1…128 characters" }
        if let error = CoordinatorError.invalidFields(fields) { throw error }
        let now = self.now()
        let signer = self.signer
        return try await write { db in
            if try Row.fetchOne(db, sql: "SELECT id FROM tailnet") != nil {
                throw CoordinatorError.conflict(
                    "this database already holds a tailnet; use a new --data-dir or --database to create another")
            }
            let key = try signer.generateKey()
            try db.execute(
                sql: """
                    INSERT INTO tailnet (singleton, id, name, netmap_version, next_serial, address_cursor, created_at)
                    VALUES (1, ?, ?, 1, 1, 1, ?)
                    """, arguments: [tailnetID, name, now])
            try db.execute(
                sql: "INSERT INTO ca_keys (key_id, public_key, active, created_at) VALUES (?, ?, 1, ?)",
                arguments: [key.keyID, Data(key.publicKey), now])
            let token = TokenSecret.generate(.admin)
            try db.execute(
                sql: "INSERT INTO tokens (id, kind, hash, description, created_at) VALUES (?, 'admin', ?, ?, ?)",
                arguments: [TokenSecret.identifier(prefix: "t"), TokenSecret.hash(token), "created by init", now])
            return token
        }
    }

    /// Whether the database holds a tailnet.
    public func isInitialized() async throws -> Bool {
        try await read { db in try Row.fetchOne(db, sql: "SELECT id FROM tailnet") != nil }
    }

    /// Tailnet identity, trusted CA keys and netmap version.
    public func tailnetInfo() async throws -> TailnetInfo {
        let now = self.now()
        return try await read { db in try Self.tailnetInfo(db, now: now) }
    }

    /// The current netmap version.
    public func netmapVersion() async throws -> Int64 {
        try await read { db in try Self.tailnet(db).netmapVersion }
    }

    static func tailnetInfo(_ db: Database, now: Int64) throws -> TailnetInfo {
        let row = try tailnet(db)
        return TailnetInfo(
            id: row.id, name: row.name, caPublicKeys: try caKeys(db, now: now), netmapVersion: row.netmapVersion)
    }

    static func tailnet(_ db: Database) throws -> TailnetRow {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, name, netmap_version FROM tailnet") else {
            throw CoordinatorError.notInitialized(
                "the coordinator has no tailnet yet; run `tailnet-coordinator init --data-dir DIR --tailnet-id ID`")
        }
        return TailnetRow(id: row["id"], name: row["name"], netmapVersion: row["netmap_version"])
    }

    /// Trusted CA keys: the active one first, then any still inside their rotation overlap.
    static func caKeys(_ db: Database, now: Int64) throws -> [CAKeyInfo] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT key_id, public_key, active, trusted_until FROM ca_keys
                WHERE active = 1 OR trusted_until > ? ORDER BY active DESC, created_at DESC
                """, arguments: [now]
        ).map { row in
            CAKeyInfo(
                keyID: row["key_id"], publicKey: (row["public_key"] as Data).base64EncodedString(),
                active: row["active"], trustedUntil: row["trusted_until"])
        }
    }

    /// Increments the netmap version inside the caller's transaction.
    @discardableResult
    static func bumpVersion(_ db: Database) throws -> Int64 {
        try db.execute(sql: "UPDATE tailnet SET netmap_version = netmap_version + 1")
        return try Int64.fetchOne(db, sql: "SELECT netmap_version FROM tailnet") ?? 0
    }

    /// Issues and records a certificate inside the caller's transaction, with the next serial and the active key.
    func issueCertificate(
        _ db: Database, role: CertificateOrder.Role, subjectKey: [UInt8], subjectID: String, subjectName: String,
        tags: [String], validFor: Int64, now: Int64
    ) throws -> (bytes: [UInt8], serial: UInt64, notAfter: Int64) {
        let tailnet = try Self.tailnet(db)
        guard let serial = try Int64.fetchOne(db, sql: "SELECT next_serial FROM tailnet") else {
            throw CoordinatorError.internalFailure("the tailnet row has no serial counter")
        }
        try db.execute(sql: "UPDATE tailnet SET next_serial = next_serial + 1")
        guard let keyID = try String.fetchOne(db, sql: "SELECT key_id FROM ca_keys WHERE active = 1") else {
            throw CoordinatorError.internalFailure("no active CA key; run `tailnet-coordinator rotate-ca`")
        }
        let order = CertificateOrder(
            role: role, subjectKey: subjectKey, subjectID: subjectID, subjectName: subjectName, tags: tags,
            serial: UInt64(serial), now: now, validFor: validFor)
        let issued = try signer.issue(order, keyID: keyID, tailnetID: tailnet.id)
        try db.execute(
            sql: """
                INSERT INTO certificates (serial, role, subject_id, ca_key_id, issued_at, not_after, bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [serial, role.rawValue, subjectID, keyID, now, issued.notAfter, Data(issued.bytes)])
        return (issued.bytes, UInt64(serial), issued.notAfter)
    }

    /// Revokes every unexpired certificate of `subjectID`; returns how many were revoked.
    @discardableResult
    static func revokeCertificates(_ db: Database, subjectID: String, now: Int64) throws -> Int {
        try db.execute(
            sql: "UPDATE certificates SET revoked_at = ? WHERE subject_id = ? AND revoked_at IS NULL AND not_after > ?",
            arguments: [now, subjectID, now])
        return db.changesCount
    }

    /// Revoked serials whose certificates have not expired yet (expired ones are refused anyway).
    static func revokedSerials(_ db: Database, now: Int64) throws -> [UInt64] {
        try Int64.fetchAll(
            db, sql: "SELECT serial FROM certificates WHERE revoked_at IS NOT NULL AND not_after > ? ORDER BY serial",
            arguments: [now - 60]
        ).map { UInt64($0) }
    }
}
