/// core/v1 Pod.
public struct Pod: KubeObject, Hashable {
    public static let resource = KubeResource.pods
    public var apiVersion: String? = "v1"
    public var kind: String? = "Pod"
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

public struct PodSpec: Codable, Sendable, Hashable {
    public struct Toleration: Codable, Sendable, Hashable {
        public var key: String?
        public var `operator`: String?
        public var value: String?
        public var effect: String?
        public var tolerationSeconds: Int64?
        public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
            self.key = key
            self.operator = `operator`
            self.value = value
            self.effect = effect
        }
    }

    public var containers: [Container]
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var nodeName: String?
    public var nodeSelector: [String: String]?
    public var hostNetwork: Bool?
    public var dnsPolicy: String?
    public var securityContext: PodSecurityContext?
    public var affinity: JSONValue?
    public var tolerations: [Toleration]?
    public var topologySpreadConstraints: [JSONValue]?
    public var priorityClassName: String?
    public var imagePullSecrets: [EnvFromSource.Ref]?
    public var schedulerName: String?
    public var hostname: String?
    public var subdomain: String?

    public init(containers: [Container] = []) { self.containers = containers }
}

public struct PodStatus: Codable, Sendable, Hashable {
    public struct PodCondition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
        public var lastTransitionTime: RFC3339Time?
        public var lastProbeTime: RFC3339Time?
    }
    public struct IP: Codable, Sendable, Hashable {
        public var ip: String
    }
    public struct ContainerStatus: Codable, Sendable, Hashable {
        public var name: String
        public var ready: Bool
        public var restartCount: Int
        public var image: String?
        public var imageID: String?
        public var containerID: String?
        public var started: Bool?
        public var state: JSONValue?
        public var lastState: JSONValue?
    }

    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var hostIP: String?
    public var podIP: String?
    public var podIPs: [IP]?
    public var startTime: RFC3339Time?
    public var containerStatuses: [ContainerStatus]?
    public var initContainerStatuses: [ContainerStatus]?
    public var qosClass: String?

    public init() {}

    public var isReady: Bool { conditions?.first { $0.type == "Ready" }?.status == "True" }
}

/// A pod template (StatefulSet, Deployment).
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?
    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
