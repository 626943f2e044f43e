/// What the cluster reports about a Service (load balancer addresses).
public struct ServiceStatus: Codable, Sendable, Hashable {
    /// One address of a load balancer.
    public struct Ingress: Codable, Sendable, Hashable {
        public var ip: String?
        public var hostname: String?
        public var ipMode: String?
        public var ports: [JSONValue]?
        /// An address by IP or hostname.
        public init(ip: String? = nil, hostname: String? = nil) {
            self.ip = ip
            self.hostname = hostname
        }
    }
    /// The load balancer of a `LoadBalancer` Service.
    public struct LoadBalancer: Codable, Sendable, Hashable {
        public var ingress: [Ingress]?
        /// A load balancer with `ingress` addresses.
        public init(ingress: [Ingress]? = nil) { self.ingress = ingress }
    }
    public var loadBalancer: LoadBalancer?
    public var conditions: [Condition]?
    /// A status with `loadBalancer`.
    public init(loadBalancer: LoadBalancer? = nil) { self.loadBalancer = loadBalancer }
}
