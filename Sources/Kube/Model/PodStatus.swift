/// What the kubelet reports about a pod.
public struct PodStatus: Codable, Sendable, Hashable {
    /// One condition (`Ready`, `PodScheduled`, …).
    public struct PodCondition: Codable, Sendable, Hashable {
        /// The condition, e.g. `Ready`, `PodScheduled`.
        public var type: String
        /// `True`, `False` or `Unknown`.
        public var status: String
        /// Why, in UpperCamelCase.
        public var reason: String?
        /// Human-readable detail.
        public var message: String?
        /// When `status` last changed.
        public var lastTransitionTime: RFC3339Time?
        /// When the condition was last probed.
        public var lastProbeTime: RFC3339Time?
    }

    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    public var phase: String?
    /// The pod's conditions.
    public var conditions: [PodCondition]?
    /// Why the pod is in this state, in words.
    public var message: String?
    /// Why the pod is in this state, e.g. `Evicted`.
    public var reason: String?
    /// The node's primary address.
    public var hostIP: String?
    /// The pod's primary address (what relay-server binds).
    public var podIP: String?
    /// When the kubelet accepted the pod.
    public var startTime: RFC3339Time?
    /// `Guaranteed`, `Burstable` or `BestEffort`.
    public var qosClass: String?

    /// An empty status.
    public init() {}

    /// Whether the `Ready` condition is True.
    public var isReady: Bool { conditions?.first { $0.type == "Ready" }?.status == "True" }
}
