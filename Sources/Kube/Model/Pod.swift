/// core/v1 Pod.
public struct Pod: KubeObject, Hashable {
    public static let resource = KubeResource.pods
    public var apiVersion: String? = "v1"
    public var kind: String? = "Pod"
    public var metadata: ObjectMeta
    /// The desired pod.
    public var spec: PodSpec?
    /// What the kubelet reports.
    public var status: PodStatus?

    /// A pod with `metadata` and `spec`.
    public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
