/// Pod-level security settings.
public struct PodSecurityContext: Codable, Sendable, Hashable {
    /// UID of every container's process (unless the container sets one).
    public var runAsUser: Int64?
    /// GID of every container's process.
    public var runAsGroup: Int64?
    /// Refuse to start containers that would run as root.
    public var runAsNonRoot: Bool?
    /// Group owning mounted volumes.
    public var fsGroup: Int64?
    /// Extra groups of every container's process.
    public var supplementalGroups: [Int64]?
    /// The seccomp filter of every container.
    public var seccompProfile: SecurityContext.SeccompProfile?
    /// Namespaced sysctls set for the pod (kept opaque).
    public var sysctls: [JSONValue]?
    /// No settings.
    public init() {}
}
