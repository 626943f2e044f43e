/// `PeerRelay.status`, written only by the operator through the status subresource.
///
/// Optional strings are never empty: the v1.20 apiserver rejects empty strings in custom resources.
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

    /// A `metav1.Condition` with a non-empty message.
    public struct Condition: Codable, Sendable, Equatable {
        public var type: String
        public var status: String
        public var reason: String
        public var message: String
        public var lastTransitionTime: String
        public var observedGeneration: Int64?

        /// A condition.
        public init(
            type: String, status: String, reason: String, message: String, lastTransitionTime: String,
            observedGeneration: Int64?
        ) {
            self.type = type
            self.status = status
            self.reason = reason
            self.message = message
            self.lastTransitionTime = lastTransitionTime
            self.observedGeneration = observedGeneration
        }
    }

    /// The condition of `type`, if present.
    public func condition(_ type: String) -> Condition? {
        conditions?.first { $0.type == type }
    }
}
