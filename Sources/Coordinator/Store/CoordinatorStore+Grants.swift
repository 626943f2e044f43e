import GRDB
public import Tailnet

extension CoordinatorStore {
    /// The grant list in order.
    public func grants() async throws -> [Grant] {
        try await read { db in try Self.grants(db) }
    }

    /// Replaces the grant list (empty means every member may use every relay).
    /// - Returns: The netmap version after the change.
    public func replaceGrants(_ list: GrantList) async throws -> Int64 {
        guard let grants = list.grants else {
            throw CoordinatorError.invalid("bad request", fields: ["grants": "is required (use [] for no grants)"])
        }
        var fields: [String: String] = [:]
        if grants.count > 256 { fields["grants"] = "at most 256 grants are allowed" }
        for (index, grant) in grants.enumerated() {
            if let problem = TailnetValidation.selectorProblem(grant.src) { fields["grants[\(index)].src"] = problem }
            if let problem = TailnetValidation.selectorProblem(grant.dst) { fields["grants[\(index)].dst"] = problem }
        }
        if let error = CoordinatorError.invalidFields(fields) { throw error }
        return try await write { db in
            _ = try Self.tailnet(db)
            try db.execute(sql: "DELETE FROM grants")
            for (index, grant) in grants.enumerated() {
                try db.execute(
                    sql: "INSERT INTO grants (position, src, dst) VALUES (?, ?, ?)",
                    arguments: [index, JSONColumn.encode(grant.src), JSONColumn.encode(grant.dst)])
            }
            return try Self.bumpVersion(db)
        }
    }

    static func grants(_ db: Database) throws -> [Grant] {
        try Row.fetchAll(db, sql: "SELECT src, dst FROM grants ORDER BY position").map { row in
            Grant(src: try JSONColumn.strings(row["src"]), dst: try JSONColumn.strings(row["dst"]))
        }
    }
}
