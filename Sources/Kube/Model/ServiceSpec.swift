/// How a Service exposes pods: its type, ports and pod selector.
public struct ServiceSpec: Codable, Sendable, Hashable {
    /// One exposed port.
    public struct Port: Codable, Sendable, Hashable {
        /// The port's name (required when there are several).
        public var name: String?
        /// `TCP`, `UDP` or `SCTP`.
        public var `protocol`: String?
        /// The Service's port.
        public var port: Int
        /// The pods' port: a number or a container port's name.
        public var targetPort: IntOrString?
        /// The node port (`NodePort` and `LoadBalancer`), allocated when unset.
        public var nodePort: Int?
        /// The application protocol, e.g. `kubernetes.io/h2c`.
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
    /// The ports.
    public var ports: [Port]?
    /// Labels of the pods that receive the traffic.
    public var selector: [String: String]?
    /// The cluster IP (allocated when unset; `None` for headless).
    public var clusterIP: String?
    /// The cluster IPs, one per family.
    public var clusterIPs: [String]?
    /// Extra addresses nodes accept the Service's traffic on.
    public var externalIPs: [String]?
    /// Cluster or Local.
    public var externalTrafficPolicy: String?
    /// `Cluster` or `Local` for traffic from inside the cluster.
    public var internalTrafficPolicy: String?
    /// The load balancer implementation to use.
    public var loadBalancerClass: String?
    /// A requested load balancer IP (deprecated upstream).
    public var loadBalancerIP: String?
    /// Client CIDRs the load balancer admits.
    public var loadBalancerSourceRanges: [String]?
    /// Whether a `LoadBalancer` Service gets node ports.
    public var allocateLoadBalancerNodePorts: Bool?
    /// Publish pods before they are ready.
    public var publishNotReadyAddresses: Bool?
    /// `None` or `ClientIP`.
    public var sessionAffinity: String?
    /// `IPv4`, `IPv6`, in order.
    public var ipFamilies: [String]?
    /// `SingleStack`, `PreferDualStack` or `RequireDualStack`.
    public var ipFamilyPolicy: String?
    /// Node port answering health checks for `externalTrafficPolicy: Local`.
    public var healthCheckNodePort: Int?

    /// A spec of `type` exposing `ports` of the pods matching `selector`.
    public init(type: String? = nil, ports: [Port]? = nil, selector: [String: String]? = nil) {
        self.type = type
        self.ports = ports
        self.selector = selector
    }
}
