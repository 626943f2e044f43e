import Interchange
public import Kube

/// What every child needs to know about its PeerRelay: names and the ownerReference.
public struct OwnerInfo: Sendable, Equatable {
    /// Names and labels of the PeerRelay's children.
    public var names: RelayNames
    /// The PeerRelay's uid.
    public var uid: String

    /// The owner `names`, with uid `uid`.
    public init(names: RelayNames, uid: String) {
        self.names = names
        self.uid = uid
    }

    /// The ownerReference to the PeerRelay (garbage collection removes children after it).
    public var ownerReference: OwnerReference {
        OwnerReference(
            apiVersion: PeerRelay.apiVersion, kind: PeerRelay.kind, name: names.name, uid: uid, controller: true,
            blockOwnerDeletion: true)
    }

    /// `metadata` of a child called `name`.
    public func metadata(
        _ name: String, extraLabels: [String: String] = [:], annotations: [String: String]? = nil
    ) -> ObjectMeta {
        var metadata = ObjectMeta(
            name: name, namespace: names.namespace, labels: names.labels.merging(extraLabels) { _, new in new },
            annotations: annotations?.isEmpty == false ? annotations : nil)
        metadata.ownerReferences = [ownerReference]
        return metadata
    }
}
