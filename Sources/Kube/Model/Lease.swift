/// coordination.k8s.io/v1 Lease.
public struct Lease: KubeObject, Hashable {
    /// Who holds the lease and until when.
    public struct Spec: Codable, Sendable, Hashable {
        public var holderIdentity: String?
        public var leaseDurationSeconds: Int?
        public var acquireTime: RFC3339Time?
        public var renewTime: RFC3339Time?
        public var leaseTransitions: Int?
        /// An empty spec.
        public init() {}
    }

    public static let resource = KubeResource.leases
    public var apiVersion: String? = "coordination.k8s.io/v1"
    public var kind: String? = "Lease"
    public var metadata: ObjectMeta
    public var spec: Spec?

    /// A lease with `metadata` and `spec`.
    public init(metadata: ObjectMeta = ObjectMeta(), spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
