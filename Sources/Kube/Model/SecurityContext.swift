/// Container security settings.
public struct SecurityContext: Codable, Sendable, Hashable {
    /// Linux capabilities added to and dropped from the default set.
    public struct Capabilities: Codable, Sendable, Hashable {
        public var add: [String]?
        public var drop: [String]?
        /// Adds `add` and drops `drop`.
        public init(add: [String]? = nil, drop: [String]? = nil) {
            self.add = add
            self.drop = drop
        }
    }
    /// The seccomp filter (`RuntimeDefault`, `Localhost`, `Unconfined`).
    public struct SeccompProfile: Codable, Sendable, Hashable {
        public var type: String
        public var localhostProfile: String?
        /// A profile of `type`.
        public init(type: String) { self.type = type }
    }

    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var privileged: Bool?
    public var capabilities: Capabilities?
    public var seccompProfile: SeccompProfile?

    /// No settings.
    public init() {}
}
