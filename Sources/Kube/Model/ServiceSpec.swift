/// How a Service exposes pods: its type, ports and pod selector.
public struct ServiceSpec: Codable, Sendable, Hashable {
    /// One exposed port.
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        public var `protocol`: String?
        public var port: Int
        public var targetPort: IntOrString?
        public var nodePort: Int?
        public var appProtocol: String?
        /// Port `port` over `protocol`, forwarded to `targetPort` (a number or a container port's name).
        public init(
            name: String? = nil, protocol: String? = nil, port: Int, targetPort: IntOrString? = nil,
            nodePort: Int? = nil
        ) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
            self.targetPort = targetPort
            self.nodePort = nodePort
        }
    }

    /// ClusterIP, NodePort, LoadBalancer or ExternalName.
    public var type: String?
    public var ports: [Port]?
    public var selector: [String: String]?
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var externalIPs: [String]?
    /// Cluster or Local.
    public var externalTrafficPolicy: String?
    public var internalTrafficPolicy: String?
    public var loadBalancerClass: String?
    public var loadBalancerIP: String?
    public var loadBalancerSourceRanges: [String]?
    public var allocateLoadBalancerNodePorts: Bool?
    public var publishNotReadyAddresses: Bool?
    public var sessionAffinity: String?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var healthCheckNodePort: Int?

    /// A spec of `type` exposing `ports` of the pods matching `selector`.
    public init(type: String? = nil, ports: [Port]? = nil, selector: [String: String]? = nil) {
        self.type = type
        self.ports = ports
        self.selector = selector
    }
}
