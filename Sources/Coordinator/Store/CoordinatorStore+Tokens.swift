import GRDB
public import Tailnet

extension CoordinatorStore {
    /// Resolves a bearer token to a principal.
    ///
    /// - Throws: ``CoordinatorError/unauthorized(_:)`` for unknown, malformed or revoked tokens.
    public func authenticate(_ token: String) async throws -> Principal {
        guard let kind = TokenSecret.kind(of: token), kind != .preAuthKey else {
            throw CoordinatorError.unauthorized(
                "the bearer token is not a coordinator token (expected pradm_…, prpub_… or prnode_…)")
        }
        let hash = TokenSecret.hash(token)
        return try await read { db in
            if kind == .node {
                guard
                    let id = try String.fetchOne(
                        db, sql: "SELECT id FROM nodes WHERE token_hash = ?", arguments: [hash])
                else {
                    throw CoordinatorError.unauthorized(
                        "unknown node token; the node may have been removed — register it again with a pre-auth key")
                }
                return .node(nodeID: id)
            }
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, kind, revoked_at FROM tokens WHERE hash = ?", arguments: [hash])
            else { throw CoordinatorError.unauthorized("unknown token; check the token you configured") }
            if (row["revoked_at"] as Int64?) != nil {
                throw CoordinatorError.unauthorized("this token was revoked; ask an admin for a new one")
            }
            let id: String = row["id"]
            return (row["kind"] as String) == "admin" ? .admin(tokenID: id) : .relayPublisher(tokenID: id)
        }
    }

    /// Creates an API token of `kind` (`admin` or `relay-publisher`).
    public func createToken(_ request: TokenRequest) async throws -> TokenInfo {
        var fields: [String: String] = [:]
        let kind = request.kind ?? ""
        let secretKind: TokenSecret.Kind? =
            switch kind {
            case "admin": .admin
            case "relay-publisher": .relayPublisher
            default: nil
            }
        if secretKind == nil { fields["kind"] = "must be 'admin' or 'relay-publisher'" }
        let description = request.description ?? ""
        if description.utf8.count > 256 { fields["description"] = "must be at most 256 characters" }
        if let error = CoordinatorError.invalidFields(fields) { throw error }
        let token = TokenSecret.generate(secretKind!)
        let id = TokenSecret.identifier(prefix: "t")
        let now = self.now()
        try await write { db in
            _ = try Self.tailnet(db)
            try db.execute(
                sql: "INSERT INTO tokens (id, kind, hash, description, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, kind, TokenSecret.hash(token), description, now])
        }
        return TokenInfo(id: id, kind: kind, description: description, createdAt: now, revokedAt: nil, token: token)
    }

    /// Lists API tokens (never their secrets).
    public func listTokens() async throws -> [TokenInfo] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY created_at, id").map { row in
                TokenInfo(
                    id: row["id"], kind: row["kind"], description: row["description"], createdAt: row["created_at"],
                    revokedAt: row["revoked_at"])
            }
        }
    }

    /// Revokes an API token.
    /// - Throws: ``CoordinatorError/notFound(_:)``; ``CoordinatorError/conflict(_:)`` when it is the last admin token.
    public func revokeToken(id: String) async throws {
        let now = self.now()
        try await write { db in
            guard
                let kind = try String.fetchOne(
                    db, sql: "SELECT kind FROM tokens WHERE id = ? AND revoked_at IS NULL", arguments: [id])
            else { throw CoordinatorError.notFound("no active token with id \(id); list them with GET /v1/tokens") }
            if kind == "admin" {
                let admins =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM tokens WHERE kind = 'admin' AND revoked_at IS NULL") ?? 0
                if admins <= 1 {
                    throw CoordinatorError.conflict("refusing to revoke the last admin token; create another first")
                }
            }
            try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE id = ?", arguments: [now, id])
        }
    }
}
