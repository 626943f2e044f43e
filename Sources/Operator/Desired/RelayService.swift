/// The per-replica UDP Service (`LoadBalancer` or `NodePort` exposure; none with `HostPort`).
import Interchange

public enum RelayService {
    /// The apply body of replica `index`'s Service, or nil when the exposure type needs none.
    public static func build(_ owner: OwnerInfo, spec: PeerRelaySpec, index: Int) -> JSONTree? {
        let names = owner.names
        let type: String
        switch spec.exposureType {
        case .hostPort: return nil
        case .loadBalancer: type = "LoadBalancer"
        case .nodePort: type = "NodePort"
        }
        let port = spec.effectivePort
        var serviceSpec: [String: JSONTree] = [
            "type": .string(type),
            "selector": .strings([
                RelayNames.podNameLabel: names.pod(index), "app.kubernetes.io/instance": names.name,
            ]),
            "ports": [["name": "relay", "protocol": "UDP", "port": .int(port), "targetPort": .int(port)]],
            "externalTrafficPolicy": .string(spec.externalTrafficPolicy),
        ]
        if let lbClass = spec.exposure?.loadBalancerClass { serviceSpec["loadBalancerClass"] = .string(lbClass) }
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": owner.metadata(
                names.service(index), extraLabels: [RelayNames.replicaLabel: String(index)],
                annotations: spec.exposure?.annotations),
            "spec": .object(serviceSpec),
        ]
    }
}
