/// A pod template (StatefulSet, Deployment).
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    /// Labels and annotations of the pods.
    public var metadata: ObjectMeta?
    /// The pods' spec.
    public var spec: PodSpec?
    /// A template of pods with `metadata` and `spec`.
    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
