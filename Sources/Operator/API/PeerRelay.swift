public import Kube

/// A `peerrelay.dev/v1alpha1` `PeerRelay` as the operator reads it (docs/peerrelay-api.md).
public struct PeerRelay: KubeObject, Equatable {
    /// The `peerrelays` resource.
    public static let resource = KubeResource(
        group: "peerrelay.dev", version: "v1alpha1", plural: "peerrelays", kind: "PeerRelay", namespaced: true)
    /// API group/version.
    public static let apiVersion = "peerrelay.dev/v1alpha1"
    /// Kind.
    public static let kind = "PeerRelay"
    /// The finalizer the operator puts on every PeerRelay to unpublish before deletion.
    public static let finalizer = "peerrelay.dev/finalizer"

    /// `peerrelay.dev/v1alpha1`.
    public var apiVersion: String?
    /// `PeerRelay`.
    public var kind: String?
    /// Name, namespace, uid, generation, labels.
    public var metadata: ObjectMeta
    /// What the user asked for.
    public var spec: PeerRelaySpec
    /// What the operator reports.
    public var status: PeerRelayStatus?

    /// A PeerRelay with `metadata`, `spec` and `status`.
    public init(metadata: ObjectMeta, spec: PeerRelaySpec, status: PeerRelayStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
