/// coordination.k8s.io/v1 Lease.
public struct Lease: KubeObject, Hashable {
    /// Who holds the lease and until when.
    public struct Spec: Codable, Sendable, Hashable {
        /// The current holder (the leader's identity); nil when released.
        public var holderIdentity: String?
        /// Seconds the holder keeps the lease without renewing.
        public var leaseDurationSeconds: Int?
        /// When the current holder acquired it.
        public var acquireTime: RFC3339Time?
        /// When the holder last renewed it.
        public var renewTime: RFC3339Time?
        /// How often the lease changed hands.
        public var leaseTransitions: Int?
        /// An empty spec.
        public init() {}
    }

    public static let resource = KubeResource.leases
    public var apiVersion: String? = "coordination.k8s.io/v1"
    public var kind: String? = "Lease"
    public var metadata: ObjectMeta
    /// Holder and timing.
    public var spec: Spec?

    /// A lease with `metadata` and `spec`.
    public init(metadata: ObjectMeta = ObjectMeta(), spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
