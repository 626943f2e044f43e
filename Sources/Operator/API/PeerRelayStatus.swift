public import Kube

/// `PeerRelay.status`, written only by the operator through the status subresource.
///
/// Optional strings are never empty: the v1.20 apiserver rejects empty strings in custom resources. Conditions are
/// Kube's ``Condition``, always with a reason and a non-empty message.
public struct PeerRelayStatus: Codable, Sendable, Equatable {
    /// The `metadata.generation` this status describes.
    public var observedGeneration: Int64?
    /// Relay pods that exist.
    public var replicas: Int?
    /// Relay pods that are ready.
    public var readyReplicas: Int?
    /// The endpoints in one line (the ENDPOINTS column of `kubectl get`).
    public var endpointsSummary: String?
    /// Each replica's endpoints.
    public var endpoints: [ReplicaEndpoint]?
    /// `Ready`, `EndpointsReady` and `Published`.
    public var conditions: [Condition]?

    /// A status.
    public init(
        observedGeneration: Int64? = nil, replicas: Int? = nil, readyReplicas: Int? = nil,
        endpointsSummary: String? = nil, endpoints: [ReplicaEndpoint]? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.endpointsSummary = endpointsSummary
        self.endpoints = endpoints
        self.conditions = conditions
    }

    /// One replica's advertised endpoints.
    public struct ReplicaEndpoint: Codable, Sendable, Equatable {
        /// The replica's index (its pod's ordinal).
        public var index: Int
        /// The replica's pod name.
        public var pod: String?
        /// Its `host:port` endpoints; nil while pending.
        public var addresses: [String]?
        /// Whether the coordinator lists it.
        public var published: Bool?

        /// Replica `index`'s endpoints and whether the coordinator has them.
        public init(index: Int, pod: String?, addresses: [String]?, published: Bool?) {
            self.index = index
            self.pod = pod
            self.addresses = addresses
            self.published = published
        }
    }

    /// The condition of `type`, if present.
    public func condition(_ type: String) -> Condition? {
        conditions?.first { $0.type == type }
    }
}
