/// apps/v1 StatefulSet.
public struct StatefulSet: KubeObject, Hashable {
    public static let resource = KubeResource.statefulSets
    public var apiVersion: String? = "apps/v1"
    public var kind: String? = "StatefulSet"
    public var metadata: ObjectMeta
    /// The desired pods.
    public var spec: StatefulSetSpec?
    /// What the controller reports.
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

    /// Pods to run.
    public var replicas: Int?
    /// Selects the pods (must match the template's labels).
    public var selector: LabelSelector
    /// The pods' template.
    public var template: PodTemplateSpec
    /// The headless Service giving the pods DNS names.
    public var serviceName: String?
    /// OrderedReady or Parallel.
    public var podManagementPolicy: String?
    /// How pods are replaced when the template changes.
    public var updateStrategy: UpdateStrategy?
    /// Old revisions kept.
    public var revisionHistoryLimit: Int?
    /// Seconds a new pod must be ready to count as available.
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
    /// The generation the controller has seen.
    public var observedGeneration: Int64?
    /// Pods created.
    public var replicas: Int?
    /// Pods ready.
    public var readyReplicas: Int?
    /// Pods of the current revision.
    public var currentReplicas: Int?
    /// Pods of the update revision.
    public var updatedReplicas: Int?
    /// Pods ready for at least `minReadySeconds`.
    public var availableReplicas: Int?
    /// The revision of the current pods.
    public var currentRevision: String?
    /// The revision being rolled out.
    public var updateRevision: String?
    /// Hash collisions of revision names.
    public var collisionCount: Int?
    /// The StatefulSet's conditions (kept opaque).
    public var conditions: [JSONValue]?
    /// An empty status.
    public init() {}
}
