/// apps/v1 StatefulSet.
public struct StatefulSet: KubeObject, Hashable {
    public static let resource = KubeResource.statefulSets
    public var apiVersion: String? = "apps/v1"
    public var kind: String? = "StatefulSet"
    public var metadata: ObjectMeta
    public var spec: StatefulSetSpec?
    public var status: StatefulSetStatus?

    /// A StatefulSet with `metadata` and `spec`.
    public init(metadata: ObjectMeta = ObjectMeta(), spec: StatefulSetSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// What a StatefulSet runs: `replicas` pods from `template`, selected by `selector`.
public struct StatefulSetSpec: Codable, Sendable, Hashable {
    /// How pods are replaced when the template changes.
    public struct UpdateStrategy: Codable, Sendable, Hashable {
        /// RollingUpdate or OnDelete.
        public var type: String?
        /// A strategy of `type`.
        public init(type: String? = nil) {
            self.type = type
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

    /// A spec of `replicas` pods from `template`.
    public init(replicas: Int? = nil, selector: LabelSelector, template: PodTemplateSpec, serviceName: String? = nil) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.serviceName = serviceName
    }
}

/// What the StatefulSet controller reports.
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
    /// An empty status.
    public init() {}
}
