/// core/v1 Service.
public struct Service: KubeObject, Hashable {
    public static let resource = KubeResource.services
    public var apiVersion: String? = "v1"
    public var kind: String? = "Service"
    public var metadata: ObjectMeta
    /// The desired Service.
    public var spec: ServiceSpec?
    /// Load balancer addresses and conditions.
    public var status: ServiceStatus?

    /// A Service with `metadata` and `spec`.
    public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
