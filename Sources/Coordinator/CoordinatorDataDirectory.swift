#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The on-disk layout of a coordinator: `<data-dir>/coordinator.sqlite` (unless `--database` names another file)
/// and `<data-dir>/ca/<key id>.key`. The directory is created with mode 0700.
public struct CoordinatorDataDirectory: Sendable {
    /// The data directory.
    public var path: String
    /// The SQLite file.
    public var databasePath: String

    /// Describes the layout; `databasePath` defaults to `<path>/coordinator.sqlite`.
    public init(path: String, databasePath: String? = nil) {
        self.path = path
        self.databasePath = databasePath ?? path + "/coordinator.sqlite"
    }

    /// Creates the directory (0700) if needed and opens the store.
    /// - Throws: ``CoordinatorError/internalFailure(_:)`` when the directory, keys or database cannot be used.
    public func openStore(
        policy: CoordinatorPolicy = CoordinatorPolicy(),
        now: @escaping @Sendable () -> Int64 = CoordinatorStore.systemNow
    ) throws -> CoordinatorStore {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw CoordinatorError.internalFailure(
                "cannot create the data directory \(path): \(String(cString: strerror(errno)))")
        }
        let signer = try CAKeyDirectory(directory: path + "/ca")
        let previous = umask(0o077)  // the database holds token hashes and certificates: owner only
        defer { umask(previous) }
        return try CoordinatorStore(path: databasePath, signer: signer, policy: policy, now: now)
    }
}
