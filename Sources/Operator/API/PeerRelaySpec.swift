import Interchange
import Kube

/// `PeerRelay.spec`. Optional fields are nil when absent; the apiserver fills the schema defaults, and
/// the `effective…` accessors repeat them for objects that bypassed defaulting.
public struct PeerRelaySpec: Codable, Sendable, Equatable {
    public var replicas: Int?
    public var port: Int?
    public var exposure: Exposure?
    public var staticEndpoints: [String]?
    public var tailnet: TailnetReference
    public var limits: Limits?
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
        public var type: ExposureType?
        public var annotations: [String: String]?
        public var externalTrafficPolicy: String?
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
        public var coordinatorURL: String
        public var publisherTokenSecretRef: SecretKeyReference

        /// The coordinator at `coordinatorURL` and the Secret holding its publisher token.
        public init(coordinatorURL: String, publisherTokenSecretRef: SecretKeyReference) {
            self.coordinatorURL = coordinatorURL
            self.publisherTokenSecretRef = publisherTokenSecretRef
        }
    }

    /// A key in a Secret of the PeerRelay's namespace.
    public struct SecretKeyReference: Codable, Sendable, Equatable {
        public var name: String
        public var key: String?

        /// Key `key` (default `token`) of Secret `name`.
        public init(name: String, key: String? = nil) {
            self.name = name
            self.key = key
        }
    }

    /// `spec.limits`.
    public struct Limits: Codable, Sendable, Equatable {
        public var maxSessions: Int?
        public var maxSessionsPerNode: Int?
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
        public var image: String?
        public var resources: ResourceRequirements?
        public var nodeSelector: [String: String]?
        public var tolerations: [PodSpec.Toleration]?
        public var affinity: JSONValue?
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
