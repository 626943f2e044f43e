/// apps/v1 StatefulSet.
public struct StatefulSet: KubeObject, Hashable {
    public static let resource = KubeResource.statefulSets
    public var apiVersion: String? = "apps/v1"
    public var kind: String? = "StatefulSet"
    public var metadata: ObjectMeta
    public var spec: StatefulSetSpec?
    public var status: StatefulSetStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: StatefulSetSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

public struct StatefulSetSpec: Codable, Sendable, Hashable {
    public struct UpdateStrategy: Codable, Sendable, Hashable {
        public struct RollingUpdate: Codable, Sendable, Hashable {
            public var partition: Int?
            public var maxUnavailable: IntOrString?
            public init(partition: Int? = nil, maxUnavailable: IntOrString? = nil) {
                self.partition = partition
                self.maxUnavailable = maxUnavailable
            }
        }
        /// RollingUpdate or OnDelete.
        public var type: String?
        public var rollingUpdate: RollingUpdate?
        public init(type: String? = nil, rollingUpdate: RollingUpdate? = nil) {
            self.type = type
            self.rollingUpdate = rollingUpdate
        }
    }

    public var replicas: Int?
    public var selector: LabelSelector
    public var template: PodTemplateSpec
    public var serviceName: String?
    /// OrderedReady or Parallel.
    public var podManagementPolicy: String?
    public var updateStrategy: UpdateStrategy?
    public var revisionHistoryLimit: Int?
    public var minReadySeconds: Int?
    public var volumeClaimTemplates: [JSONValue]?
    public var persistentVolumeClaimRetentionPolicy: JSONValue?

    public init(replicas: Int? = nil, selector: LabelSelector, template: PodTemplateSpec, serviceName: String? = nil) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.serviceName = serviceName
    }
}

public struct StatefulSetStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var readyReplicas: Int?
    public var currentReplicas: Int?
    public var updatedReplicas: Int?
    public var availableReplicas: Int?
    public var currentRevision: String?
    public var updateRevision: String?
    public var collisionCount: Int?
    public var conditions: [JSONValue]?
    public init() {}
}
