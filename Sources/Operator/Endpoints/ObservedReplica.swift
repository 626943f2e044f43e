/// What the cluster shows about one replica, gathered by the reconciler for endpoint discovery and status.
public struct ObservedReplica: Sendable, Equatable {
    /// Whether the replica's Service exists.
    public var serviceExists: Bool
    /// `status.loadBalancer.ingress[].ip` of the replica's Service.
    public var ingressIPs: [String]
    /// `status.loadBalancer.ingress[].hostname` of the replica's Service.
    public var ingressHostnames: [String]
    /// The allocated `nodePort` of the relay port.
    public var nodePort: Int?
    /// Whether the pod exists.
    public var podExists: Bool
    /// Whether the pod is Ready.
    public var podReady: Bool
    /// `spec.nodeName` of the pod.
    public var nodeName: String?
    /// `ExternalIP` addresses of that node.
    public var nodeExternalIPs: [String]
    /// `InternalIP` addresses of that node.
    public var nodeInternalIPs: [String]

    /// What was observed of one replica.
    public init(
        serviceExists: Bool = false, ingressIPs: [String] = [], ingressHostnames: [String] = [], nodePort: Int? = nil,
        podExists: Bool = false, podReady: Bool = false, nodeName: String? = nil, nodeExternalIPs: [String] = [],
        nodeInternalIPs: [String] = []
    ) {
        self.serviceExists = serviceExists
        self.ingressIPs = ingressIPs
        self.ingressHostnames = ingressHostnames
        self.nodePort = nodePort
        self.podExists = podExists
        self.podReady = podReady
        self.nodeName = nodeName
        self.nodeExternalIPs = nodeExternalIPs
        self.nodeInternalIPs = nodeInternalIPs
    }
}
