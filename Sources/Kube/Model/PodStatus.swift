/// What the kubelet reports about a pod.
public struct PodStatus: Codable, Sendable, Hashable {
    /// One condition (`Ready`, `PodScheduled`, …).
    public struct PodCondition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
        public var lastTransitionTime: RFC3339Time?
        public var lastProbeTime: RFC3339Time?
    }

    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var hostIP: String?
    public var podIP: String?
    public var startTime: RFC3339Time?
    public var qosClass: String?

    /// An empty status.
    public init() {}

    /// Whether the `Ready` condition is True.
    public var isReady: Bool { conditions?.first { $0.type == "Ready" }?.status == "True" }
}
