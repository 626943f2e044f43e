import Interchange
public import Kube

/// The per-replica UDP Service (`LoadBalancer` or `NodePort` exposure; none with `HostPort`).
public enum RelayService {
    /// The apply intent of replica `index`'s Service, or nil when the exposure type needs none.
    public static func build(_ owner: OwnerInfo, spec: PeerRelaySpec, index: Int) -> Service? {
        let names = owner.names
        let type: String
        switch spec.exposureType {
        case .hostPort: return nil
        case .loadBalancer: type = "LoadBalancer"
        case .nodePort: type = "NodePort"
        }
        let port = spec.effectivePort
        var serviceSpec = ServiceSpec(
            type: type, ports: [.init(name: "relay", protocol: "UDP", port: port, targetPort: .int(port))],
            selector: [RelayNames.podNameLabel: names.pod(index), "app.kubernetes.io/instance": names.name])
        serviceSpec.externalTrafficPolicy = spec.externalTrafficPolicy
        serviceSpec.loadBalancerClass = spec.exposure?.loadBalancerClass
        return Service(
            metadata: owner.metadata(
                names.service(index), extraLabels: [RelayNames.replicaLabel: String(index)],
                annotations: spec.exposure?.annotations),
            spec: serviceSpec)
    }
}
