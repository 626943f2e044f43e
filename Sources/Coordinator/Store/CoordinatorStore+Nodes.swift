import GRDB
public import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorStore {
    /// The result of a registration or renewal.
    public struct NodeCredentials: Sendable {
        /// The node as stored.
        public var node: NodeInfo
        /// The new certificate.
        public var certificate: [UInt8]
        /// The node token (registration only).
        public var nodeToken: String?
        /// Netmap version after the change.
        public var version: Int64
    }

    /// Registers a node with a pre-auth key: allocates an id, a unique address and a certificate.
    ///
    /// - Throws: ``CoordinatorError/invalid(_:fields:)`` for bad fields, ``CoordinatorError/unauthorized(_:)`` for an
    ///   unknown or revoked key, ``CoordinatorError/forbidden(_:)`` for an expired or used key,
    ///   ``CoordinatorError/conflict(_:)`` when the public key is already registered.
    public func register(_ request: RegisterRequest) async throws -> NodeCredentials {
        var fields: [String: String] = [:]
        let secret = request.preAuthKey ?? ""
        if secret.isEmpty {
            fields["preAuthKey"] = "is required"
        } else if TokenSecret.kind(of: secret) != .preAuthKey {
            fields["preAuthKey"] = "is not a pre-auth key (expected prkey_…)"
        }
        var publicKey: [UInt8] = []
        switch request.publicKey.map(TailnetValidation.decodeKey) {
        case nil: fields["publicKey"] = "is required"
        case .failure(let problem): fields["publicKey"] = problem.description
        case .success(let key): publicKey = key
        }
        let name = request.name ?? ""
        if let problem = TailnetValidation.nameProblem(name) { fields["name"] = problem }
        var wireGuardKey: [UInt8]?
        switch request.wireGuardKey.map(TailnetValidation.decodeKey) {
        case nil: break
        case .failure(let problem): fields["wireGuardKey"] = problem.description
        case .success(let key):
            if key == publicKey {
                fields["wireGuardKey"] =
                    "must differ from publicKey (the control key); generate a separate WireGuard key"
            }
            wireGuardKey = key
        }
        let endpoints = request.endpoints ?? []
        if let problem = TailnetValidation.endpointsProblem(endpoints, allowEmpty: true) {
            fields["endpoints"] = problem
        }
        if let error = CoordinatorError.invalidFields(fields) { throw error }

        let now = self.now()
        let hash = TokenSecret.hash(secret)
        let key = publicKey
        let newWireGuardKey = wireGuardKey
        return try await write { db in
            guard let keyRow = try Row.fetchOne(db, sql: "SELECT * FROM preauth_keys WHERE hash = ?", arguments: [hash])
            else { throw CoordinatorError.unauthorized("unknown pre-auth key; create one with `relayctl keys create`") }
            let info = try Self.preAuthKeyInfo(keyRow, now: now)
            switch info.state {
            case "revoked": throw CoordinatorError.unauthorized("this pre-auth key was revoked; create a new one")
            case "expired": throw CoordinatorError.forbidden("this pre-auth key expired; create a new one")
            case "used":
                throw CoordinatorError.forbidden(
                    "this single-use pre-auth key was already used; create a new one (or a --reusable one)")
            default: break
            }
            if let existing = try String.fetchOne(
                db, sql: "SELECT id FROM nodes WHERE public_key = ?", arguments: [Data(key)])
            {
                throw CoordinatorError.conflict(
                    "a node with this public key is already registered (\(existing)); renew with its node token or remove it first"
                )
            }
            if let wireGuardKey = newWireGuardKey,
                let existing = try String.fetchOne(
                    db, sql: "SELECT id FROM nodes WHERE wireguard_key = ? OR public_key = ?",
                    arguments: [Data(wireGuardKey), Data(wireGuardKey)])
            {
                throw CoordinatorError.conflict(
                    "node \(existing) already uses this WireGuard key; every node needs its own WireGuard key")
            }
            let uniqueName = try Self.uniqueNodeName(db, requested: name)
            let address = try Self.allocateAddress(db)
            let id = TokenSecret.identifier(prefix: "n")
            let certificate = try self.issueCertificate(
                db, role: .node, subjectKey: key, subjectID: id, subjectName: uniqueName, tags: info.tags,
                validFor: self.policy.nodeCertificateLifetime, now: now)
            let token = TokenSecret.generate(.node)
            try db.execute(
                sql: """
                    INSERT INTO nodes (id, name, public_key, address, tags, endpoints, token_hash, preauth_key_id,
                                       cert_serial, created_at, updated_at, wireguard_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, uniqueName, Data(key), address, JSONColumn.encode(info.tags), JSONColumn.encode(endpoints),
                    TokenSecret.hash(token), info.id, Int64(certificate.serial), now, now,
                    newWireGuardKey.map { Data($0) },
                ])
            try db.execute(sql: "UPDATE preauth_keys SET use_count = use_count + 1 WHERE id = ?", arguments: [info.id])
            let version = try Self.bumpVersion(db)
            let node = NodeInfo(
                id: id, name: uniqueName, publicKey: Data(key).base64EncodedString(), address: address, tags: info.tags,
                endpoints: endpoints, certificateSerial: certificate.serial,
                certificateExpiresAt: certificate.notAfter, createdAt: now,
                wireGuardKey: newWireGuardKey.map { Data($0).base64EncodedString() })
            return NodeCredentials(node: node, certificate: certificate.bytes, nodeToken: token, version: version)
        }
    }

    /// Issues a fresh certificate for a node whose current certificate has not expired yet.
    /// - Throws: ``CoordinatorError/forbidden(_:)`` after expiry (the node must register again).
    public func renew(nodeID: String) async throws -> NodeCredentials {
        let now = self.now()
        return try await write { db in
            var node = try Self.node(db, id: nodeID)
            guard node.certificateExpiresAt > now else {
                throw CoordinatorError.forbidden(
                    "the node certificate expired; register the node again with a pre-auth key")
            }
            let certificate = try self.issueCertificate(
                db, role: .node, subjectKey: Array(Data(base64Encoded: node.publicKey) ?? Data()),
                subjectID: node.id, subjectName: node.name, tags: node.tags,
                validFor: self.policy.nodeCertificateLifetime, now: now)
            try db.execute(
                sql: "UPDATE nodes SET cert_serial = ?, updated_at = ? WHERE id = ?",
                arguments: [Int64(certificate.serial), now, nodeID])
            node.certificateSerial = certificate.serial
            node.certificateExpiresAt = certificate.notAfter
            let version = try Self.bumpVersion(db)
            return NodeCredentials(node: node, certificate: certificate.bytes, nodeToken: nil, version: version)
        }
    }

    /// Replaces the endpoints a node reported; bumps the netmap version only when they changed.
    /// - Returns: The netmap version after the call.
    public func updateEndpoints(nodeID: String, endpoints: [String]?) async throws -> Int64 {
        guard let endpoints else { throw CoordinatorError.invalid("bad request", fields: ["endpoints": "is required"]) }
        if let problem = TailnetValidation.endpointsProblem(endpoints, allowEmpty: true) {
            throw CoordinatorError.invalid("bad request", fields: ["endpoints": problem])
        }
        let now = self.now()
        return try await write { db in
            let node = try Self.node(db, id: nodeID)
            guard node.endpoints != endpoints else { return try Self.tailnet(db).netmapVersion }
            try db.execute(
                sql: "UPDATE nodes SET endpoints = ?, updated_at = ? WHERE id = ?",
                arguments: [JSONColumn.encode(endpoints), now, nodeID])
            return try Self.bumpVersion(db)
        }
    }

    /// Lists nodes ordered by address.
    public func listNodes() async throws -> [NodeInfo] {
        try await read { db in try Self.nodes(db) }
    }

    /// Removes a node and revokes its certificates.
    /// - Returns: The revoked serials and the netmap version after the change.
    public func removeNode(id: String) async throws -> (revoked: [UInt64], version: Int64) {
        let now = self.now()
        return try await write { db in
            _ = try Self.node(db, id: id)
            let serials = try Int64.fetchAll(
                db,
                sql: "SELECT serial FROM certificates WHERE subject_id = ? AND revoked_at IS NULL AND not_after > ?",
                arguments: [id, now]
            ).map { UInt64($0) }
            try Self.revokeCertificates(db, subjectID: id, now: now)
            try db.execute(sql: "DELETE FROM nodes WHERE id = ?", arguments: [id])
            return (serials, try Self.bumpVersion(db))
        }
    }

    static func node(_ db: Database, id: String) throws -> NodeInfo {
        guard let node = try nodes(db, where: "n.id = ?", arguments: [id]).first else {
            throw CoordinatorError.notFound("no node with id \(id); list them with `relayctl nodes list`")
        }
        return node
    }

    static func nodes(_ db: Database, where condition: String = "1", arguments: StatementArguments = []) throws
        -> [NodeInfo]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT n.*, c.not_after FROM nodes n JOIN certificates c ON c.serial = n.cert_serial
                WHERE \(condition) ORDER BY n.created_at, n.id
                """, arguments: arguments
        ).map(nodeInfo)
    }

    static func nodeInfo(_ row: Row) throws -> NodeInfo {
        NodeInfo(
            id: row["id"], name: row["name"], publicKey: (row["public_key"] as Data).base64EncodedString(),
            address: row["address"], tags: try JSONColumn.strings(row["tags"]),
            endpoints: try JSONColumn.strings(row["endpoints"]),
            certificateSerial: UInt64(row["cert_serial"] as Int64), certificateExpiresAt: row["not_after"],
            createdAt: row["created_at"], wireGuardKey: (row["wireguard_key"] as Data?)?.base64EncodedString())
    }

    /// `requested`, or `requested-N` for the smallest free N.
    static func uniqueNodeName(_ db: Database, requested: String) throws -> String {
        let taken = { (name: String) in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM nodes WHERE name = ?", arguments: [name]) ?? 0 > 0
        }
        if try !taken(requested) { return requested }
        for n in 1...1000 {
            let suffix = "-\(n)"
            let candidate = String(requested.utf8.prefix(63 - suffix.utf8.count)).map { $0 + suffix }
            if let candidate, try !taken(candidate) { return candidate }
        }
        throw CoordinatorError.conflict("more than 1000 nodes are named '\(requested)'; pick another name")
    }

    /// Takes the next free address from the cursor and advances it, inside the caller's transaction.
    static func allocateAddress(_ db: Database) throws -> String {
        let cursor = try Int64.fetchOne(db, sql: "SELECT address_cursor FROM tailnet") ?? 1
        let picked = try AddressAllocator.next(cursor: UInt32(clamping: cursor)) { address in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM nodes WHERE address = ?", arguments: [address]) ?? 0 > 0
        }
        guard let picked else {
            throw CoordinatorError.conflict("no free tailnet address near the allocation cursor; remove unused nodes")
        }
        try db.execute(sql: "UPDATE tailnet SET address_cursor = ?", arguments: [Int64(picked.nextCursor)])
        return picked.address
    }
}
