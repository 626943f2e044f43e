public import Interchange
public import Kube

/// `PeerRelay.spec`. Optional fields are nil when absent; the apiserver fills the schema defaults, and
/// the `effective…` accessors repeat them for objects that bypassed defaulting.
public struct PeerRelaySpec: Codable, Sendable, Equatable {
    /// `spec.replicas`: relay pods.
    public var replicas: Int?
    /// `spec.port`: the relays' UDP port.
    public var port: Int?
    /// `spec.exposure`: how the relays are reached.
    public var exposure: Exposure?
    /// `spec.staticEndpoints`: endpoints to advertise instead of discovered ones.
    public var staticEndpoints: [String]?
    /// `spec.tailnet`: the coordinator to publish to.
    public var tailnet: TailnetReference
    /// `spec.limits`: session limits of each relay.
    public var limits: Limits?
    /// `spec.pod`: overrides of the relay pods.
    public var pod: PodOverrides?

    /// A spec; unset fields take the defaults in docs/peerrelay-api.md.
    public init(
        replicas: Int? = nil, port: Int? = nil, exposure: Exposure? = nil, staticEndpoints: [String]? = nil,
        tailnet: TailnetReference, limits: Limits? = nil, pod: PodOverrides? = nil
    ) {
        self.replicas = replicas
        self.port = port
        self.exposure = exposure
        self.staticEndpoints = staticEndpoints
        self.tailnet = tailnet
        self.limits = limits
        self.pod = pod
    }

    /// How the relays are reached from outside the cluster.
    public enum ExposureType: String, Codable, Sendable, Equatable {
        case loadBalancer = "LoadBalancer"
        case nodePort = "NodePort"
        case hostPort = "HostPort"
    }

    /// `spec.exposure`.
    public struct Exposure: Codable, Sendable, Equatable {
        /// `LoadBalancer`, `NodePort` or `HostPort`.
        public var type: ExposureType?
        /// Annotations copied onto each replica's Service.
        public var annotations: [String: String]?
        /// The Services' `externalTrafficPolicy`.
        public var externalTrafficPolicy: String?
        /// The Services' `loadBalancerClass`.
        public var loadBalancerClass: String?

        /// How replicas are exposed.
        public init(
            type: ExposureType? = nil, annotations: [String: String]? = nil, externalTrafficPolicy: String? = nil,
            loadBalancerClass: String? = nil
        ) {
            self.type = type
            self.annotations = annotations
            self.externalTrafficPolicy = externalTrafficPolicy
            self.loadBalancerClass = loadBalancerClass
        }
    }

    /// `spec.tailnet`.
    public struct TailnetReference: Codable, Sendable, Equatable {
        /// The coordinator's base URL.
        public var coordinatorURL: String
        /// The Secret key holding a relay-publisher token.
        public var publisherTokenSecretRef: SecretKeyReference

        /// The coordinator at `coordinatorURL` and the Secret holding its publisher token.
        public init(coordinatorURL: String, publisherTokenSecretRef: SecretKeyReference) {
            self.coordinatorURL = coordinatorURL
            self.publisherTokenSecretRef = publisherTokenSecretRef
        }
    }

    /// A key in a Secret of the PeerRelay's namespace.
    public struct SecretKeyReference: Codable, Sendable, Equatable {
        /// The Secret's name.
        public var name: String
        /// The key in it (default `token`).
        public var key: String?

        /// Key `key` (default `token`) of Secret `name`.
        public init(name: String, key: String? = nil) {
            self.name = name
            self.key = key
        }
    }

    /// `spec.limits`.
    public struct Limits: Codable, Sendable, Equatable {
        /// Global session cap per relay.
        public var maxSessions: Int?
        /// Session cap per node key per relay.
        public var maxSessionsPerNode: Int?
        /// Idle timeout: seconds as a number, or a duration string such as `2m`.
        public var idleTimeout: JSONValue?

        /// Session limits of each replica.
        public init(maxSessions: Int? = nil, maxSessionsPerNode: Int? = nil, idleTimeout: JSONValue? = nil) {
            self.maxSessions = maxSessions
            self.maxSessionsPerNode = maxSessionsPerNode
            self.idleTimeout = idleTimeout
        }
    }

    /// `spec.pod`.
    public struct PodOverrides: Codable, Sendable, Equatable {
        /// The relay image (default: the operator's `--relay-image`).
        public var image: String?
        /// The relay container's requests and limits.
        public var resources: ResourceRequirements?
        /// The pods' nodeSelector.
        public var nodeSelector: [String: String]?
        /// The pods' tolerations.
        public var tolerations: [PodSpec.Toleration]?
        /// The pods' affinity, as Kubernetes writes it.
        public var affinity: JSONValue?
        /// The pods' priorityClassName.
        public var priorityClassName: String?

        /// Overrides of the relay pods.
        public init(
            image: String? = nil, resources: ResourceRequirements? = nil, nodeSelector: [String: String]? = nil,
            tolerations: [PodSpec.Toleration]? = nil, affinity: JSONValue? = nil, priorityClassName: String? = nil
        ) {
            self.image = image
            self.resources = resources
            self.nodeSelector = nodeSelector
            self.tolerations = tolerations
            self.affinity = affinity
            self.priorityClassName = priorityClassName
        }
    }
}

extension PeerRelaySpec {
    /// `replicas` with the schema default 1.
    public var effectiveReplicas: Int { replicas ?? 1 }
    /// `port` with the schema default 40000.
    public var effectivePort: Int { port ?? 40000 }
    /// `exposure.type` with the default `LoadBalancer`.
    public var exposureType: ExposureType { exposure?.type ?? .loadBalancer }
    /// `exposure.externalTrafficPolicy` with the default `Local`.
    public var externalTrafficPolicy: String { exposure?.externalTrafficPolicy ?? "Local" }
    /// `tailnet.publisherTokenSecretRef.key` with the default `token`.
    public var publisherTokenKey: String { tailnet.publisherTokenSecretRef.key ?? "token" }
    /// The static endpoints, empty when unset.
    public var staticEndpointList: [String] { staticEndpoints ?? [] }
}
