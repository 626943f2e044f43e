/// Compute resources of a container: what it is guaranteed (`requests`) and may use (`limits`), by
/// resource name (`cpu`, `memory`).
public struct ResourceRequirements: Codable, Sendable, Hashable {
    /// Most a container may use, e.g. `memory: 128Mi`.
    public var limits: [String: Quantity]?
    /// What the scheduler reserves, e.g. `cpu: 100m`.
    public var requests: [String: Quantity]?
    /// Requirements with `limits` and `requests`.
    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}
