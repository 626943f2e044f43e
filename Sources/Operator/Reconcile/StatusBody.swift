public import Kube

/// The server-side apply intent of a PeerRelay's status subresource: the object's identity and its status.
public struct StatusBody: Encodable, Sendable, Equatable {
    /// `peerrelay.dev/v1alpha1`.
    public var apiVersion = PeerRelay.apiVersion
    /// `PeerRelay`.
    public var kind = PeerRelay.kind
    /// Name and namespace of the PeerRelay.
    public var metadata: ObjectMeta
    /// The status to apply.
    public var status: PeerRelayStatus

    /// The apply intent setting PeerRelay `names` status to `status`.
    public init(names: RelayNames, status: PeerRelayStatus) {
        metadata = ObjectMeta(name: names.name, namespace: names.namespace)
        self.status = status
    }
}
