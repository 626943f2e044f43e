import RelayCore

/// The coordinator a relay follows for revocations: its URL, the CA that verifies it, where the last good list is
/// kept, and how long one long poll waits.
public struct CoordinatorSource: Sendable, Equatable {
    public var url: String
    public var caFile: String?
    /// `<stateDirectory>/revocations.json`, or nil to keep the list in memory only.
    public var revocationsFile: String?
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
}
