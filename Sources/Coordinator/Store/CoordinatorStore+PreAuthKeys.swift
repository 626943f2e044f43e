import GRDB
public import Tailnet

extension CoordinatorStore {
    /// Creates a pre-auth key. The returned info carries the secret, which is not stored.
    public func createPreAuthKey(_ request: PreAuthKeyRequest) async throws -> PreAuthKeyInfo {
        var fields: [String: String] = [:]
        let lifetime = request.expiresInSeconds ?? policy.defaultKeyLifetime
        if lifetime < 1 || lifetime > policy.maxKeyLifetime {
            fields["expiresInSeconds"] = "must be 1…\(policy.maxKeyLifetime) seconds"
        }
        let tags = request.tags ?? []
        if let problem = TailnetValidation.tagsProblem(tags) { fields["tags"] = problem }
        let description = request.description ?? ""
        if description.utf8.count > 256 { fields["description"] = "must be at most 256 characters" }
        if let error = CoordinatorError.invalidFields(fields) { throw error }

        let secret = TokenSecret.generate(.preAuthKey)
        let id = TokenSecret.identifier(prefix: "k")
        let now = self.now()
        let reusable = request.reusable ?? false
        try await write { db in
            _ = try Self.tailnet(db)
            try db.execute(
                sql: """
                    INSERT INTO preauth_keys (id, hash, reusable, tags, description, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, TokenSecret.hash(secret), reusable, JSONColumn.encode(tags), description, now, now + lifetime,
                ])
        }
        return PreAuthKeyInfo(
            id: id, reusable: reusable, tags: tags, description: description, createdAt: now,
            expiresAt: now + lifetime, revokedAt: nil, useCount: 0, state: "valid", key: secret)
    }

    /// Lists pre-auth keys (never their secrets).
    public func listPreAuthKeys() async throws -> [PreAuthKeyInfo] {
        let now = self.now()
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM preauth_keys ORDER BY created_at, id").map { row in
                try Self.preAuthKeyInfo(row, now: now)
            }
        }
    }

    /// Revokes a pre-auth key; nodes already registered with it stay.
    public func revokePreAuthKey(id: String) async throws {
        let now = self.now()
        try await write { db in
            try db.execute(
                sql: "UPDATE preauth_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            if db.changesCount == 0 {
                throw CoordinatorError.notFound("no unrevoked pre-auth key with id \(id); list them with GET /v1/keys")
            }
        }
    }

    static func preAuthKeyInfo(_ row: Row, now: Int64) throws -> PreAuthKeyInfo {
        let reusable: Bool = row["reusable"]
        let useCount: Int = row["use_count"]
        let revokedAt: Int64? = row["revoked_at"]
        let expiresAt: Int64 = row["expires_at"]
        let state =
            if revokedAt != nil { "revoked" } else if expiresAt <= now { "expired" } else if !reusable && useCount > 0 {
                "used"
            } else { "valid" }
        return PreAuthKeyInfo(
            id: row["id"], reusable: reusable, tags: try JSONColumn.strings(row["tags"]),
            description: row["description"], createdAt: row["created_at"], expiresAt: expiresAt, revokedAt: revokedAt,
            useCount: useCount, state: state)
    }
}
