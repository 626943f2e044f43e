public import Kube

/// Everything one reconcile learned, from which the status is computed.
public struct StatusInput: Sendable {
    /// The spec the status describes.
    public var spec: PeerRelaySpec
    /// The PeerRelay's child names.
    public var names: RelayNames
    /// `metadata.generation` (becomes `observedGeneration`).
    public var generation: Int64
    /// The status before this reconcile (conditions keep their time when they do not flip).
    public var previous: PeerRelayStatus?
    /// The time of conditions that flip now.
    public var now: RFC3339Time
    /// The broken spec rule, if any.
    public var invalidSpec: InvalidSpec?
    /// The apiserver's refusal of a child object, if any.
    public var applyFailure: String?
    /// Each replica's discovered endpoints.
    public var discovery: [EndpointDiscovery.Replica]
    /// StatefulSet `status.replicas` and `status.readyReplicas`.
    public var podReplicas: Int
    /// StatefulSet `status.readyReplicas`.
    public var readyReplicas: Int
    /// What publishing to the coordinator did.
    public var publish: PublishOutcome

    /// The inputs of one status computation.
    public init(
        spec: PeerRelaySpec, names: RelayNames, generation: Int64, previous: PeerRelayStatus?, now: RFC3339Time,
        invalidSpec: InvalidSpec? = nil, applyFailure: String? = nil, discovery: [EndpointDiscovery.Replica] = [],
        podReplicas: Int = 0, readyReplicas: Int = 0, publish: PublishOutcome = PublishOutcome(published: [])
    ) {
        self.spec = spec
        self.names = names
        self.generation = generation
        self.previous = previous
        self.now = now
        self.invalidSpec = invalidSpec
        self.applyFailure = applyFailure
        self.discovery = discovery
        self.podReplicas = podReplicas
        self.readyReplicas = readyReplicas
        self.publish = publish
    }
}
