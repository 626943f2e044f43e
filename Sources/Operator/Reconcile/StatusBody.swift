import Kube

/// The server-side apply intent of a PeerRelay's status subresource: the object's identity and its status.
public struct StatusBody: Encodable, Sendable, Equatable {
    public var apiVersion = PeerRelay.apiVersion
    public var kind = PeerRelay.kind
    public var metadata: ObjectMeta
    public var status: PeerRelayStatus

    /// The apply intent setting PeerRelay `names` status to `status`.
    public init(names: RelayNames, status: PeerRelayStatus) {
        metadata = ObjectMeta(name: names.name, namespace: names.namespace)
        self.status = status
    }
}
