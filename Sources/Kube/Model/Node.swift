/// core/v1 Node: the operator reads its addresses (the endpoints of NodePort and HostPort relays).
public struct Node: KubeObject, Hashable {
    /// One address of a node.
    public struct Address: Codable, Sendable, Hashable {
        /// InternalIP, ExternalIP, Hostname, …
        public var type: String
        /// The address itself.
        public var address: String
        /// Address `address` of `type`.
        public init(type: String, address: String) {
            self.type = type
            self.address = address
        }
    }
    /// What the kubelet reports.
    public struct Status: Codable, Sendable, Hashable {
        /// The node's addresses by type.
        public var addresses: [Address]?
        /// Total resources.
        public var capacity: [String: Quantity]?
        /// Resources available to pods.
        public var allocatable: [String: Quantity]?
        /// An empty status.
        public init() {}
    }

    public static let resource = KubeResource.nodes
    public var apiVersion: String? = "v1"
    public var kind: String? = "Node"
    public var metadata: ObjectMeta
    /// What the kubelet reports.
    public var status: Status?

    /// A node with `metadata`.
    public init(metadata: ObjectMeta = ObjectMeta()) { self.metadata = metadata }
}
