/// Pod-level security settings.
public struct PodSecurityContext: Codable, Sendable, Hashable {
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var fsGroup: Int64?
    public var supplementalGroups: [Int64]?
    public var seccompProfile: SecurityContext.SeccompProfile?
    public var sysctls: [JSONValue]?
    /// No settings.
    public init() {}
}
