import GRDB
public import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorStore {
    /// Publishes (or re-publishes) a relay replica and issues its certificate.
    ///
    /// Re-publishing the same name and replica updates the entry; a new certificate is issued when the key or tags
    /// changed or when less than half of the current certificate's lifetime remains, and the replaced certificate is
    /// revoked if the key changed.
    /// - Returns: The relay with its certificate and the netmap version after the change.
    public func publishRelay(_ request: RelayPublishRequest) async throws -> (relay: RelayInfo, version: Int64) {
        var fields: [String: String] = [:]
        let name = request.name ?? ""
        if let problem = TailnetValidation.nameProblem(name) { fields["name"] = problem }
        let replica = request.replica ?? -1
        if !(0...65535).contains(replica) { fields["replica"] = "is required: an integer 0…65535" }
        var publicKey: [UInt8] = []
        switch request.publicKey.map(TailnetValidation.decodeKey) {
        case nil: fields["publicKey"] = "is required"
        case .failure(let problem): fields["publicKey"] = problem.description
        case .success(let key): publicKey = key
        }
        let endpoints = request.endpoints ?? []
        if let problem = TailnetValidation.endpointsProblem(endpoints, allowEmpty: false) {
            fields["endpoints"] = problem
        }
        let tags = request.tags ?? []
        if let problem = TailnetValidation.tagsProblem(tags) { fields["tags"] = problem }
        let labels = request.labels ?? [:]
        if labels.count > 32
            || labels.contains(where: { $0.key.isEmpty || $0.key.utf8.count > 63 || $0.value.utf8.count > 253 })
        {
            fields["labels"] = "at most 32 labels; keys 1…63 characters, values up to 253"
        }
        if let error = CoordinatorError.invalidFields(fields) { throw error }

        let now = self.now()
        let key = publicKey
        return try await write { db in
            let existing = try Row.fetchOne(
                db,
                sql: """
                    SELECT r.*, c.not_after, c.issued_at FROM relays r JOIN certificates c ON c.serial = r.cert_serial
                    WHERE r.name = ? AND r.replica = ?
                    """, arguments: [name, replica])
            let id: String = existing.map { $0["id"] } ?? TokenSecret.identifier(prefix: "r")
            let subjectName = replica == 0 ? name : String("\(name)-\(replica)".utf8.prefix(63)) ?? name
            var serial = UInt64((existing?["cert_serial"] as Int64?) ?? 0)
            if let existing {
                let keyChanged = (existing["public_key"] as Data) != Data(key)
                let tagsChanged = try JSONColumn.strings(existing["tags"]) != tags
                let notAfter: Int64 = existing["not_after"]
                let issuedAt: Int64 = existing["issued_at"]
                let stale = notAfter - now < (notAfter - issuedAt) / 2
                if keyChanged { try Self.revokeCertificates(db, subjectID: id, now: now) }
                if keyChanged || tagsChanged || stale {
                    serial = try self.issueCertificate(
                        db, role: .relay, subjectKey: key, subjectID: id, subjectName: subjectName, tags: tags,
                        validFor: self.policy.relayCertificateLifetime, now: now
                    ).serial
                }
                try db.execute(
                    sql: """
                        UPDATE relays SET public_key = ?, endpoints = ?, tags = ?, labels = ?, cert_serial = ?,
                        updated_at = ? WHERE id = ?
                        """,
                    arguments: [
                        Data(key), JSONColumn.encode(endpoints), JSONColumn.encode(tags), JSONColumn.encode(labels),
                        Int64(serial), now, id,
                    ])
            } else {
                serial = try self.issueCertificate(
                    db, role: .relay, subjectKey: key, subjectID: id, subjectName: subjectName, tags: tags,
                    validFor: self.policy.relayCertificateLifetime, now: now
                ).serial
                try db.execute(
                    sql: """
                        INSERT INTO relays (id, name, replica, public_key, endpoints, tags, labels, cert_serial,
                                            created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, name, replica, Data(key), JSONColumn.encode(endpoints), JSONColumn.encode(tags),
                        JSONColumn.encode(labels), Int64(serial), now, now,
                    ])
            }
            let version = try Self.bumpVersion(db)
            return (try Self.relay(db, id: id), version)
        }
    }

    /// Removes a relay and revokes its certificates.
    public func unpublishRelay(id: String) async throws -> (revoked: [UInt64], version: Int64) {
        let now = self.now()
        return try await write { db in
            _ = try Self.relay(db, id: id)
            let serials = try Int64.fetchAll(
                db,
                sql: "SELECT serial FROM certificates WHERE subject_id = ? AND revoked_at IS NULL AND not_after > ?",
                arguments: [id, now]
            ).map { UInt64($0) }
            try Self.revokeCertificates(db, subjectID: id, now: now)
            try db.execute(sql: "DELETE FROM relays WHERE id = ?", arguments: [id])
            return (serials, try Self.bumpVersion(db))
        }
    }

    /// Lists relays by name and replica.
    public func listRelays() async throws -> [RelayInfo] {
        try await read { db in try Self.relays(db) }
    }

    /// One relay by id.
    public func relay(id: String) async throws -> RelayInfo {
        try await read { db in try Self.relay(db, id: id) }
    }

    static func relay(_ db: Database, id: String) throws -> RelayInfo {
        guard let relay = try relays(db, where: "r.id = ?", arguments: [id]).first else {
            throw CoordinatorError.notFound("no relay with id \(id); list them with `relayctl relays list`")
        }
        return relay
    }

    static func relays(_ db: Database, where condition: String = "1", arguments: StatementArguments = []) throws
        -> [RelayInfo]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT r.*, c.not_after, c.bytes FROM relays r JOIN certificates c ON c.serial = r.cert_serial
                WHERE \(condition) ORDER BY r.name, r.replica
                """, arguments: arguments
        ).map { row in
            RelayInfo(
                id: row["id"], name: row["name"], replica: row["replica"],
                publicKey: (row["public_key"] as Data).base64EncodedString(),
                endpoints: try JSONColumn.strings(row["endpoints"]), tags: try JSONColumn.strings(row["tags"]),
                labels: try JSONColumn.map(row["labels"]), certificate: (row["bytes"] as Data).base64EncodedString(),
                certificateSerial: UInt64(row["cert_serial"] as Int64), certificateExpiresAt: row["not_after"],
                updatedAt: row["updated_at"])
        }
    }
}
