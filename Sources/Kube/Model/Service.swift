/// core/v1 Service.
public struct Service: KubeObject, Hashable {
    public static let resource = KubeResource.services
    public var apiVersion: String? = "v1"
    public var kind: String? = "Service"
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    public var status: ServiceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

public struct ServiceSpec: Codable, Sendable, Hashable {
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        public var `protocol`: String?
        public var port: Int
        public var targetPort: IntOrString?
        public var nodePort: Int?
        public var appProtocol: String?
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

    public init(type: String? = nil, ports: [Port]? = nil, selector: [String: String]? = nil) {
        self.type = type
        self.ports = ports
        self.selector = selector
    }
}

public struct ServiceStatus: Codable, Sendable, Hashable {
    public struct Ingress: Codable, Sendable, Hashable {
        public var ip: String?
        public var hostname: String?
        public var ipMode: String?
        public var ports: [JSONValue]?
        public init(ip: String? = nil, hostname: String? = nil) {
            self.ip = ip
            self.hostname = hostname
        }
    }
    public struct LoadBalancer: Codable, Sendable, Hashable {
        public var ingress: [Ingress]?
        public init(ingress: [Ingress]? = nil) { self.ingress = ingress }
    }
    public var loadBalancer: LoadBalancer?
    public var conditions: [Condition]?
    public init(loadBalancer: LoadBalancer? = nil) { self.loadBalancer = loadBalancer }
}
