/// Compute resources of a container: what it is guaranteed (`requests`) and may use (`limits`), by
/// resource name (`cpu`, `memory`).
public struct ResourceRequirements: Codable, Sendable, Hashable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
    /// Requirements with `limits` and `requests`.
    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}
