/// What the cluster reports about a Service (load balancer addresses).
public struct ServiceStatus: Codable, Sendable, Hashable {
    /// One address of a load balancer.
    public struct Ingress: Codable, Sendable, Hashable {
        /// The address as an IP.
        public var ip: String?
        /// The address as a DNS name.
        public var hostname: String?
        /// `VIP` or `Proxy`: how traffic to the IP reaches the nodes.
        public var ipMode: String?
        /// Per-port status (kept opaque).
        public var ports: [JSONValue]?
        /// An address by IP or hostname.
        public init(ip: String? = nil, hostname: String? = nil) {
            self.ip = ip
            self.hostname = hostname
        }
    }
    /// The load balancer of a `LoadBalancer` Service.
    public struct LoadBalancer: Codable, Sendable, Hashable {
        /// Its addresses.
        public var ingress: [Ingress]?
        /// A load balancer with `ingress` addresses.
        public init(ingress: [Ingress]? = nil) { self.ingress = ingress }
    }
    /// The load balancer, for `LoadBalancer` Services.
    public var loadBalancer: LoadBalancer?
    /// The Service's conditions.
    public var conditions: [Condition]?
    /// A status with `loadBalancer`.
    public init(loadBalancer: LoadBalancer? = nil) { self.loadBalancer = loadBalancer }
}
