import GRDB
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The coordinator's state in SQLite (WAL mode, through GRDB): tailnet identity, CA keys, tokens, pre-auth keys,
/// nodes, relays, certificates, grants and the netmap version.
///
/// Every mutating method runs in one write transaction and bumps the netmap version when it changes anything a node
/// or relay can see; an error anywhere rolls the whole transaction back, so nothing is ever half-written.
public final class CoordinatorStore: Sendable {
    let pool: DatabasePool
    let signer: any CertificateSigning
    let now: @Sendable () -> Int64
    let policy: CoordinatorPolicy

    /// Opens (creating if needed) the database at `path` and applies migrations.
    ///
    /// - Parameters:
    ///   - path: SQLite file; its directory must exist.
    ///   - signer: The CA.
    ///   - policy: Certificate lifetimes and limits.
    ///   - now: Clock in Unix seconds (injected so tests can move time).
    /// - Throws: ``CoordinatorError/internalFailure(_:)`` when the file cannot be opened or migrated.
    init(
        path: String, signer: any CertificateSigning, policy: CoordinatorPolicy = CoordinatorPolicy(),
        now: @escaping @Sendable () -> Int64 = CoordinatorStore.systemNow
    ) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // WAL (DatabasePool) with a full sync of the log at every commit: an acknowledged write survives a
            // crash of the process (kill -9) and of the machine. NORMAL would survive only the former.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw CoordinatorError.internalFailure(
                "cannot open the coordinator database at \(path): \(error); check the path and its permissions")
        }
        self.signer = signer
        self.now = now
        self.policy = policy
    }

    /// The system clock in Unix seconds.
    @Sendable public static func systemNow() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }

    /// Runs `body` in one write transaction, mapping storage errors to ``CoordinatorError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as CoordinatorError {
            throw error
        } catch {
            throw CoordinatorError.internalFailure("database write failed: \(error)")
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as CoordinatorError {
            throw error
        } catch {
            throw CoordinatorError.internalFailure("database read failed: \(error)")
        }
    }

    /// Closes the database.
    public func close() throws {
        try pool.close()
    }
}
