import Kube

/// Computes `PeerRelay.status` (docs/peerrelay-api.md "Status", "Conditions and reasons").
public enum StatusComputation {
    /// Condition types.
    public static let ready = "Ready"
    /// Condition type: every replica has its endpoints.
    public static let endpointsReady = "EndpointsReady"
    /// Condition type: the coordinator lists every replica.
    public static let published = "Published"

    struct Verdict {
        var status: Bool?
        var reason: String
        var message: String
    }

    /// The new status. Conditions whose status did not flip keep their `lastTransitionTime`, so computing
    /// twice from the same observations gives an equal value (no status write).
    public static func compute(_ input: StatusInput) -> PeerRelayStatus {
        let replicas = input.spec.effectiveReplicas
        if let invalid = input.invalidSpec {
            var status = input.previous ?? PeerRelayStatus()
            let publishedVerdict =
                input.previous?.condition(published).map {
                    Verdict(
                        status: $0.status == "True" ? true : $0.status == "False" ? false : nil,
                        reason: $0.reason ?? "",
                        message: $0.message ?? "")
                } ?? Verdict(status: nil, reason: "InvalidSpec", message: "not published: \(invalid.message)")
            status.observedGeneration = input.generation
            status.conditions = conditions(
                input,
                [
                    (ready, Verdict(status: false, reason: "InvalidSpec", message: invalid.message)),
                    (endpointsReady, Verdict(status: false, reason: "InvalidSpec", message: invalid.message)),
                    (published, publishedVerdict),
                ])
            status.endpointsSummary = status.endpointsSummary ?? "pending"
            return status
        }
        let endpoints = input.discovery.map { replica in
            PeerRelayStatus.ReplicaEndpoint(
                index: replica.index, pod: input.names.pod(replica.index),
                addresses: replica.addresses.isEmpty ? nil : replica.addresses,
                published: input.publish.published.contains(replica.index) && !replica.addresses.isEmpty)
        }
        let endpointsVerdict = endpointsCondition(input, replicas: replicas)
        let publishedVerdict = publishedCondition(input, replicas: replicas, endpoints: endpoints)
        let readyVerdict: Verdict
        if let failure = input.applyFailure {
            readyVerdict = Verdict(status: false, reason: "ApplyFailed", message: failure)
        } else if replicas == 0 {
            readyVerdict = Verdict(
                status: true, reason: "ScaledToZero", message: "scaled to zero; no relay is published")
        } else if endpointsVerdict.status != true {
            let missing = input.discovery.filter(\.addresses.isEmpty).count
            readyVerdict = Verdict(
                status: false, reason: "EndpointsPending",
                message: "\(missing) of \(replicas) replicas have no endpoint yet")
        } else if input.readyReplicas < replicas {
            readyVerdict = Verdict(
                status: false, reason: "ReplicasNotReady",
                message: "\(input.readyReplicas) of \(replicas) relay pods are ready")
        } else if publishedVerdict.status != true {
            readyVerdict = Verdict(status: false, reason: "NotPublished", message: publishedVerdict.message)
        } else {
            readyVerdict = Verdict(
                status: true, reason: "Ready", message: "\(replicas) of \(replicas) replicas ready and published")
        }
        return PeerRelayStatus(
            observedGeneration: input.generation,
            replicas: input.podReplicas,
            readyReplicas: min(input.readyReplicas, input.podReplicas),
            endpointsSummary: EndpointsSummary.text(input.discovery.map(\.addresses)),
            endpoints: endpoints.isEmpty ? nil : endpoints,
            conditions: conditions(
                input, [(ready, readyVerdict), (endpointsReady, endpointsVerdict), (published, publishedVerdict)]))
    }

    static func endpointsCondition(_ input: StatusInput, replicas: Int) -> Verdict {
        if replicas == 0 {
            return Verdict(status: true, reason: "ScaledToZero", message: "scaled to zero; no endpoints")
        }
        let pending = input.discovery.filter { $0.addresses.isEmpty }
        guard let first = pending.first else {
            let statics = input.spec.staticEndpointList.count >= replicas
            return Verdict(
                status: true, reason: statics ? "StaticEndpoints" : "Discovered",
                message: statics
                    ? "every replica advertises its entry of spec.staticEndpoints"
                    : "every replica has a discovered endpoint")
        }
        let prefix = "\(pending.count) of \(replicas) replicas have no endpoint yet: "
        switch first.pending {
        case .resolution(let message)?:
            return Verdict(status: false, reason: "ResolutionFailed", message: prefix + message)
        case .nodeAddress(let message)?:
            return Verdict(status: false, reason: "NodeAddressPending", message: prefix + message)
        case .loadBalancer(let service)?:
            return Verdict(
                status: false, reason: "LoadBalancerPending",
                message: prefix + "LoadBalancer Service \(service) has no ingress address yet")
        case nil:
            return Verdict(status: false, reason: "LoadBalancerPending", message: prefix + "waiting for addresses")
        }
    }

    static func publishedCondition(
        _ input: StatusInput, replicas: Int, endpoints: [PeerRelayStatus.ReplicaEndpoint]
    ) -> Verdict {
        if let failure = input.publish.failure {
            return Verdict(status: false, reason: failure.reason.rawValue, message: failure.message)
        }
        if replicas == 0 {
            return input.publish.leftoversRemoved
                ? Verdict(status: true, reason: "ScaledToZero", message: "scaled to zero; every registration removed")
                : Verdict(
                    status: false, reason: "CoordinatorUnreachable", message: "earlier registrations not removed yet")
        }
        let withoutEndpoint = endpoints.filter { ($0.addresses ?? []).isEmpty }.count
        if withoutEndpoint > 0 {
            let done = endpoints.filter { $0.published == true }.count
            return Verdict(
                status: false, reason: "EndpointsPending",
                message: "\(withoutEndpoint) of \(replicas) replicas have no endpoint to publish; \(done) published")
        }
        let done = endpoints.filter { $0.published == true }.count
        guard done == replicas, input.publish.leftoversRemoved else {
            return Verdict(
                status: false, reason: "CoordinatorUnreachable",
                message: "\(done) of \(replicas) replicas published; retrying the rest")
        }
        return Verdict(status: true, reason: "Published", message: "\(replicas) of \(replicas) replicas published")
    }

    static func conditions(_ input: StatusInput, _ verdicts: [(String, Verdict)]) -> [Condition] {
        verdicts.map { type, verdict in
            Condition(
                type: type, status: verdict.status.map { $0 ? "True" : "False" } ?? "Unknown", reason: verdict.reason,
                message: verdict.message.isEmpty ? verdict.reason : String(verdict.message.prefix(32768)),
                observedGeneration: input.generation
            ).transitioned(from: input.previous?.condition(type), at: input.now)
        }
    }
}
