/// A `peerrelay.dev/v1alpha1` `PeerRelay` as the operator reads it (docs/peerrelay-api.md).
public struct PeerRelay: Codable, Sendable, Equatable {
    /// API group/version.
    public static let apiVersion = "peerrelay.dev/v1alpha1"
    /// Kind.
    public static let kind = "PeerRelay"
    /// The finalizer the operator puts on every PeerRelay to unpublish before deletion.
    public static let finalizer = "peerrelay.dev/finalizer"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ResourceMetadata
    public var spec: PeerRelaySpec
    public var status: PeerRelayStatus?

    public init(metadata: ResourceMetadata, spec: PeerRelaySpec, status: PeerRelayStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// The parts of `metadata` the operator uses.
public struct ResourceMetadata: Codable, Sendable, Equatable {
    public var name: String
    public var namespace: String?
    public var uid: String?
    public var generation: Int64?
    public var resourceVersion: String?
    public var deletionTimestamp: String?
    public var finalizers: [String]?
    public var labels: [String: String]?

    public init(
        name: String, namespace: String? = nil, uid: String? = nil, generation: Int64? = nil,
        resourceVersion: String? = nil, deletionTimestamp: String? = nil, finalizers: [String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.generation = generation
        self.resourceVersion = resourceVersion
        self.deletionTimestamp = deletionTimestamp
        self.finalizers = finalizers
    }
}
