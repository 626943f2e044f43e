public import Kube

/// The caches the reconciler reads (filled by the controller's watches).
public struct ClusterView: Sendable {
    /// Watched PeerRelays.
    public let relays: Store<PeerRelay>
    /// Watched StatefulSets (the operator's).
    public let statefulSets: Store<StatefulSet>
    /// Watched Services (the operator's).
    public let services: Store<Service>
    /// Watched relay pods.
    public let pods: Store<Pod>
    /// Watched Secrets (the operator's and publisher tokens).
    public let secrets: Store<Secret>
    /// Watched ConfigMaps (the operator's).
    public let configMaps: Store<ConfigMap>
    /// Watched Nodes (their addresses for NodePort and HostPort endpoints).
    public let nodes: Store<Node>

    /// A view over the controller's caches.
    public init(
        relays: Store<PeerRelay>, statefulSets: Store<StatefulSet>, services: Store<Service>, pods: Store<Pod>,
        secrets: Store<Secret>, configMaps: Store<ConfigMap>, nodes: Store<Node>
    ) {
        self.relays = relays
        self.statefulSets = statefulSets
        self.services = services
        self.pods = pods
        self.secrets = secrets
        self.configMaps = configMaps
        self.nodes = nodes
    }

    /// Whether every cache has finished its first list.
    public var isSynced: Bool {
        relays.isSynced && statefulSets.isSynced && services.isSynced && pods.isSynced && secrets.isSynced
            && configMaps.isSynced && nodes.isSynced
    }

    /// What the cluster shows per replica index of `names`, with the Services given (fresh apply answers
    /// win over the cache).
    func observe(names: RelayNames, freshServices: [Int: Service]) -> [Int: ObservedReplica] {
        var result: [Int: ObservedReplica] = [:]
        for service in services.list(namespace: names.namespace) {
            guard service.metadata.labels?["app.kubernetes.io/instance"] == names.name,
                let index = names.replicaIndex(of: service.name)
            else { continue }
            result[index, default: ObservedReplica()].fill(from: freshServices[index] ?? service)
        }
        for (index, service) in freshServices { result[index, default: ObservedReplica()].fill(from: service) }
        for pod in pods.list(namespace: names.namespace) {
            guard pod.metadata.labels?["app.kubernetes.io/instance"] == names.name,
                let index = names.replicaIndex(of: pod.name)
            else { continue }
            var entry = result[index, default: ObservedReplica()]
            entry.podExists = true
            entry.podReady = pod.status?.isReady ?? false
            entry.nodeName = pod.spec?.nodeName
            if let nodeName = entry.nodeName, let node = nodes.get(name: nodeName, namespace: nil) {
                let addresses = node.status?.addresses ?? []
                entry.nodeExternalIPs = addresses.filter { $0.type == "ExternalIP" }.map(\.address)
                entry.nodeInternalIPs = addresses.filter { $0.type == "InternalIP" }.map(\.address)
            }
            result[index] = entry
        }
        return result
    }
}

extension ObservedReplica {
    mutating func fill(from service: Service) {
        serviceExists = true
        let ingress = service.status?.loadBalancer?.ingress ?? []
        ingressIPs = ingress.compactMap(\.ip)
        ingressHostnames = ingress.compactMap(\.hostname)
        nodePort = service.spec?.ports?.first { $0.name == "relay" }?.nodePort
    }
}
