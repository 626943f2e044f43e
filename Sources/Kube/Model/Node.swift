/// core/v1 Node.
public struct Node: KubeObject, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        public struct Taint: Codable, Sendable, Hashable {
            public var key: String
            public var value: String?
            public var effect: String
        }
        public var podCIDR: String?
        public var podCIDRs: [String]?
        public var providerID: String?
        public var unschedulable: Bool?
        public var taints: [Taint]?
        public init() {}
    }
    public struct Address: Codable, Sendable, Hashable {
        /// InternalIP, ExternalIP, Hostname, …
        public var type: String
        public var address: String
        public init(type: String, address: String) {
            self.type = type
            self.address = address
        }
    }
    public struct Status: Codable, Sendable, Hashable {
        public struct NodeCondition: Codable, Sendable, Hashable {
            public var type: String
            public var status: String
            public var reason: String?
            public var message: String?
            public var lastHeartbeatTime: RFC3339Time?
            public var lastTransitionTime: RFC3339Time?
        }
        public var addresses: [Address]?
        public var conditions: [NodeCondition]?
        public var capacity: [String: Quantity]?
        public var allocatable: [String: Quantity]?
        public var nodeInfo: JSONValue?
        public init() {}
    }

    public static let resource = KubeResource.nodes
    public var apiVersion: String? = "v1"
    public var kind: String? = "Node"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta = ObjectMeta()) { self.metadata = metadata }

    public var isReady: Bool { status?.conditions?.first { $0.type == "Ready" }?.status == "True" }
}
