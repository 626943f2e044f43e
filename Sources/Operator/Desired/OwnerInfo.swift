/// What every child needs to know about its PeerRelay: names and the ownerReference.
import Interchange

public struct OwnerInfo: Sendable, Equatable {
    public var names: RelayNames
    public var uid: String

    public init(names: RelayNames, uid: String) {
        self.names = names
        self.uid = uid
    }

    /// The ownerReference to the PeerRelay (garbage collection removes children after it).
    public var ownerReference: JSONTree {
        [
            "apiVersion": .string(PeerRelay.apiVersion), "kind": .string(PeerRelay.kind),
            "name": .string(names.name), "uid": .string(uid), "controller": true, "blockOwnerDeletion": true,
        ]
    }

    /// `metadata` of a child called `name`.
    public func metadata(
        _ name: String, extraLabels: [String: String] = [:], annotations: [String: String]? = nil
    ) -> JSONTree {
        var members: [String: JSONTree] = [
            "name": .string(name), "namespace": .string(names.namespace),
            "labels": .strings(names.labels.merging(extraLabels) { _, new in new }),
            "ownerReferences": [ownerReference],
        ]
        if let annotations, !annotations.isEmpty { members["annotations"] = .strings(annotations) }
        return .object(members)
    }
}
