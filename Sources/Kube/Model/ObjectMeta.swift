/// Standard object metadata.
public struct ObjectMeta: Codable, Sendable, Hashable {
    /// The object's name, unique per kind and namespace.
    public var name: String?
    /// Prefix of a server-generated name when `name` is unset.
    public var generateName: String?
    /// The namespace; nil for cluster-scoped objects.
    public var namespace: String?
    /// Unique id for the object's lifetime, set by the apiserver.
    public var uid: String?
    /// Version of this state, for optimistic concurrency and watch resumption.
    public var resourceVersion: String?
    /// Incremented on every spec change.
    public var generation: Int64?
    /// When the object was created.
    public var creationTimestamp: RFC3339Time?
    /// Set when deletion was requested.
    public var deletionTimestamp: RFC3339Time?
    /// Seconds the object had to terminate when deletion was requested.
    public var deletionGracePeriodSeconds: Int64?
    /// Labels: what selectors match.
    public var labels: [String: String]?
    /// Annotations: free-form notes for tools.
    public var annotations: [String: String]?
    /// Owners; the garbage collector deletes the object after them.
    public var ownerReferences: [OwnerReference]?
    /// Keys that hold deletion until their controllers remove them.
    public var finalizers: [String]?
    /// Server-side apply ownership records (kept opaque).
    public var managedFields: [JSONValue]?

    /// Metadata with a name, namespace, labels and annotations.
    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    /// Whether deletion has been requested (finalizers may still hold the object).
    public var isBeingDeleted: Bool { deletionTimestamp != nil }

    /// The owner reference marked `controller: true`, if any.
    public var controllerReference: OwnerReference? { ownerReferences?.first { $0.controller == true } }
}

/// A reference from a dependent to its owner.
public struct OwnerReference: Codable, Sendable, Hashable {
    /// The owner's API version, e.g. `peerrelay.dev/v1alpha1`.
    public var apiVersion: String
    /// The owner's kind.
    public var kind: String
    /// The owner's name.
    public var name: String
    /// The owner's uid.
    public var uid: String
    /// Whether the owner is the managing controller.
    public var controller: Bool?
    /// Whether foreground deletion of the owner waits for this object.
    public var blockOwnerDeletion: Bool?

    /// A reference to `name` (`uid`) of `kind` in `apiVersion`.
    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// List metadata.
public struct ListMeta: Codable, Sendable, Hashable {
    /// The list's version (resume a watch from it).
    public var resourceVersion: String?
    /// Token of the next page; nil on the last one.
    public var `continue`: String?
    /// Items after this page, when the server knows.
    public var remainingItemCount: Int64?
    /// Empty list metadata.
    public init() {}
}

/// A list response.
public struct ObjectList<Item: Decodable & Sendable>: Decodable, Sendable {
    /// e.g. `v1`.
    public var apiVersion: String?
    /// e.g. `PodList`.
    public var kind: String?
    /// Version and paging.
    public var metadata: ListMeta
    /// The objects of this page.
    public var items: [Item]

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, items }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([Item].self, forKey: .items) ?? []
    }

    /// A list of `items`.
    public init(metadata: ListMeta, items: [Item]) {
        self.metadata = metadata
        self.items = items
    }
}
