/// Container security settings.
public struct SecurityContext: Codable, Sendable, Hashable {
    /// Linux capabilities added to and dropped from the default set.
    public struct Capabilities: Codable, Sendable, Hashable {
        /// Capabilities added, e.g. `NET_BIND_SERVICE`.
        public var add: [String]?
        /// Capabilities dropped, e.g. `ALL`.
        public var drop: [String]?
        /// Adds `add` and drops `drop`.
        public init(add: [String]? = nil, drop: [String]? = nil) {
            self.add = add
            self.drop = drop
        }
    }
    /// The seccomp filter (`RuntimeDefault`, `Localhost`, `Unconfined`).
    public struct SeccompProfile: Codable, Sendable, Hashable {
        /// `RuntimeDefault`, `Localhost` or `Unconfined`.
        public var type: String
        /// The profile file, for `Localhost`.
        public var localhostProfile: String?
        /// A profile of `type`.
        public init(type: String) { self.type = type }
    }

    /// UID of the process.
    public var runAsUser: Int64?
    /// GID of the process.
    public var runAsGroup: Int64?
    /// Refuse to start as root.
    public var runAsNonRoot: Bool?
    /// Mount the image's filesystem read-only.
    public var readOnlyRootFilesystem: Bool?
    /// Whether the process may gain privileges (setuid, file capabilities).
    public var allowPrivilegeEscalation: Bool?
    /// Run with the host's full privileges.
    public var privileged: Bool?
    /// Linux capabilities added and dropped.
    public var capabilities: Capabilities?
    /// The seccomp filter.
    public var seccompProfile: SeccompProfile?

    /// No settings.
    public init() {}
}
