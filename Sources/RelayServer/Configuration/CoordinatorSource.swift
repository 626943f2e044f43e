import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// The coordinator a relay follows for revocations: its URL, the CA that verifies it, where the last good list is
/// kept, and how long one long poll waits.
public struct CoordinatorSource: Sendable, Equatable {
    /// The coordinator's base URL.
    public var url: String
    /// PEM CA certificate verifying an https URL (nil: the system trust store).
    public var caFile: String?
    /// `<stateDirectory>/revocations.json`, or nil to keep the list in memory only.
    public var revocationsFile: String?
    /// Longest wait of one revocation long poll.
    public var wait: Duration

    /// The coordinator settings of `settings` (defaults already filled); nil without `coordinatorURL`.
    init?(settings: RelaySettings) throws(RelayConfigurationError) {
        guard let url = settings.coordinatorURL, !url.isEmpty else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .badValue(setting: "coordinatorURL", value: url, expected: "an http:// or https:// URL")
        }
        self.url = url
        caFile = settings.coordinatorCAFile
        revocationsFile = settings.stateDirectory.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + "revocations.json" }
        wait = .seconds(settings.revocationsWaitSeconds ?? RelaySettings.defaults.revocationsWaitSeconds!)
    }

    /// Creates the state directory (0700) if it does not exist yet.
    func prepareStateDirectory() throws(RelayConfigurationError) {
        guard let file = revocationsFile, let slash = file.lastIndex(of: "/") else { return }
        let directory = String(file[..<slash])
        guard !directory.isEmpty, mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw .badValue(
                setting: "stateDirectory", value: directory,
                expected: "a directory relay-server can create and write (mkdir failed: errno \(errno))")
        }
    }
}
