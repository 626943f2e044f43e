import Kube

/// `PeerRelay.status`, written only by the operator through the status subresource.
///
/// Optional strings are never empty: the v1.20 apiserver rejects empty strings in custom resources. Conditions are
/// Kube's ``Condition``, always with a reason and a non-empty message.
public struct PeerRelayStatus: Codable, Sendable, Equatable {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var readyReplicas: Int?
    public var endpointsSummary: String?
    public var endpoints: [ReplicaEndpoint]?
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
        public var index: Int
        public var pod: String?
        public var addresses: [String]?
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
