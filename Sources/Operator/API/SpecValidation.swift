/// The cross-field rules the CRD schema cannot express on Kubernetes 1.20 (no CEL).
public enum SpecValidation {
    /// Checks `spec`; every broken rule becomes one sentence of the returned error.
    public static func validate(_ spec: PeerRelaySpec) -> InvalidSpec? {
        var problems: [String] = []
        let replicas = spec.effectiveReplicas
        let endpoints = spec.staticEndpointList
        if !endpoints.isEmpty {
            if endpoints.count < replicas {
                let entries = endpoints.count == 1 ? "1 entry" : "\(endpoints.count) entries"
                problems.append(
                    "spec.staticEndpoints has \(entries) but spec.replicas is \(replicas): "
                        + "give one endpoint per replica"
                )
            }
            var seen: [String: Int] = [:]
            for (index, text) in endpoints.enumerated() {
                switch EndpointText.parse(text) {
                case .failure(let error):
                    problems.append("spec.staticEndpoints[\(index)] \(error)")
                case .success(let endpoint):
                    if let first = seen[endpoint.text] {
                        problems.append(
                            "spec.staticEndpoints[\(index)] repeats spec.staticEndpoints[\(first)] (\(text)): "
                                + "two replicas cannot share an endpoint"
                        )
                    } else {
                        seen[endpoint.text] = index
                    }
                }
            }
        }
        if case .failure(let error) = IdleTimeout.seconds(spec.limits?.idleTimeout) {
            problems.append(error.message)
        }
        if let perNode = spec.limits?.maxSessionsPerNode, let total = spec.limits?.maxSessions, perNode > total {
            problems.append(
                "spec.limits.maxSessionsPerNode (\(perNode)) exceeds spec.limits.maxSessions (\(total)): "
                    + "lower it or raise maxSessions"
            )
        }
        if spec.exposure?.loadBalancerClass != nil, spec.exposureType != .loadBalancer {
            problems.append(
                "spec.exposure.loadBalancerClass is set but spec.exposure.type is \(spec.exposureType.rawValue): "
                    + "remove it or use LoadBalancer"
            )
        }
        return problems.isEmpty ? nil : InvalidSpec(problems.joined(separator: "; "))
    }
}
