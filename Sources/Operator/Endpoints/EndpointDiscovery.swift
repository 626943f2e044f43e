/// Endpoint discovery per replica (docs/peerrelay-api.md "Exposure and endpoint discovery").
public enum EndpointDiscovery {
    /// Why a replica has no endpoint yet.
    public enum Pending: Sendable, Equatable {
        /// The replica's LoadBalancer Service has no ingress address yet.
        case loadBalancer(service: String)
        /// The pod is not scheduled, or its node has no address (or the node port is not allocated).
        case nodeAddress(String)
        /// A DNS name did not resolve and there is no earlier answer.
        case resolution(String)
    }

    /// One replica's result.
    public struct Replica: Sendable, Equatable {
        /// The replica's index.
        public var index: Int
        /// Sorted `host:port` addresses; empty while pending.
        public var addresses: [String]
        /// Why `addresses` is empty (nil when it is not).
        public var pending: Pending?

        /// Replica `index` with `addresses`, or why it has none yet.
        public init(index: Int, addresses: [String], pending: Pending?) {
            self.index = index
            self.addresses = addresses
            self.pending = pending
        }
    }

    /// Endpoints of replicas `0..<spec.replicas`.
    ///
    /// - Parameters:
    ///   - observed: What the cluster shows per replica (missing entries mean nothing exists yet).
    ///   - previous: The addresses in the current status per replica, kept when a DNS name stops resolving.
    public static func discover(
        spec: PeerRelaySpec, names: RelayNames, observed: [Int: ObservedReplica], previous: [Int: [String]],
        resolver: any HostResolver
    ) -> [Replica] {
        let statics = spec.staticEndpointList
        return (0..<spec.effectiveReplicas).map { index in
            let seen = observed[index] ?? ObservedReplica()
            if !statics.isEmpty, index < statics.count {
                return fromStatic(statics[index], index: index, previous: previous[index], resolver: resolver)
            }
            switch spec.exposureType {
            case .loadBalancer:
                let ips = seen.ingressIPs.map { EndpointText.format(address: $0, port: spec.effectivePort) }
                if !ips.isEmpty { return Replica(index: index, addresses: sortedUnique(ips), pending: nil) }
                if let host = seen.ingressHostnames.first {
                    return resolved(
                        host, port: spec.effectivePort, index: index, previous: previous[index], resolver: resolver)
                }
                return Replica(index: index, addresses: [], pending: .loadBalancer(service: names.service(index)))
            case .nodePort, .hostPort:
                guard let node = seen.nodeName else {
                    return Replica(
                        index: index, addresses: [],
                        pending: .nodeAddress("pod \(names.pod(index)) is not scheduled to a node yet"))
                }
                let port: Int
                if spec.exposureType == .hostPort {
                    port = spec.effectivePort
                } else {
                    guard let nodePort = seen.nodePort else {
                        return Replica(
                            index: index, addresses: [],
                            pending: .nodeAddress("Service \(names.service(index)) has no node port yet"))
                    }
                    port = nodePort
                }
                let addresses = seen.nodeExternalIPs.isEmpty ? seen.nodeInternalIPs : seen.nodeExternalIPs
                guard !addresses.isEmpty else {
                    return Replica(
                        index: index, addresses: [],
                        pending: .nodeAddress("node \(node) of pod \(names.pod(index)) has no ExternalIP or InternalIP")
                    )
                }
                return Replica(
                    index: index,
                    addresses: sortedUnique(addresses.map { EndpointText.format(address: $0, port: port) }),
                    pending: nil)
            }
        }
    }

    static func fromStatic(_ text: String, index: Int, previous: [String]?, resolver: any HostResolver) -> Replica {
        guard case .success(let endpoint) = EndpointText.parse(text) else {
            return Replica(index: index, addresses: [], pending: .resolution("'\(text)' is not host:port"))
        }
        switch endpoint.host {
        case .ipv4, .ipv6: return Replica(index: index, addresses: [endpoint.text], pending: nil)
        case .dnsName(let name):
            return resolved(name, port: endpoint.port, index: index, previous: previous, resolver: resolver)
        }
    }

    static func resolved(_ host: String, port: Int, index: Int, previous: [String]?, resolver: any HostResolver)
        -> Replica
    {
        switch resolver.resolve(host) {
        case .success(let addresses):
            return Replica(
                index: index, addresses: sortedUnique(addresses.map { EndpointText.format(address: $0, port: port) }),
                pending: nil)
        case .failure(let error):
            if let previous, !previous.isEmpty { return Replica(index: index, addresses: previous, pending: nil) }
            return Replica(index: index, addresses: [], pending: .resolution(error.description))
        }
    }

    static func sortedUnique(_ items: [String]) -> [String] { Array(Set(items)).sorted() }
}
