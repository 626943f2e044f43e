@_exported import Interchange
@_exported import YAMLParsing

/// A typed Kubernetes object: it knows its resource and carries metadata.
public protocol KubeObject: Codable, Sendable {
    /// Where the kind lives in the API (group, version, plural, scope).
    static var resource: KubeResource { get }
    /// `apiVersion` as sent and received, e.g. `apps/v1` (list items may omit it; see `fillTypeMeta()`).
    var apiVersion: String? { get set }
    /// `kind` as sent and received, e.g. `StatefulSet`.
    var kind: String? { get set }
    /// Name, namespace, labels, owners and the other standard metadata.
    var metadata: ObjectMeta { get set }
}

extension KubeObject {
    /// `metadata.name`, or "" when unset.
    public var name: String { metadata.name ?? "" }
    /// `metadata.namespace` (nil for cluster-scoped objects).
    public var namespace: String? { metadata.namespace }
    /// `metadata.uid`, set by the apiserver.
    public var uid: String? { metadata.uid }
    /// `metadata.resourceVersion`, set by the apiserver.
    public var resourceVersion: String? { metadata.resourceVersion }

    /// Sets `apiVersion` and `kind` from the resource when missing (list items omit them).
    public mutating func fillTypeMeta() {
        if apiVersion == nil { apiVersion = Self.resource.apiVersion }
        if kind == nil { kind = Self.resource.kind }
    }

    /// An owner reference pointing at this object (controller by default).
    public func ownerReference(controller: Bool = true, blockOwnerDeletion: Bool = true) -> OwnerReference {
        OwnerReference(
            apiVersion: apiVersion ?? Self.resource.apiVersion, kind: kind ?? Self.resource.kind, name: name,
            uid: uid ?? "", controller: controller, blockOwnerDeletion: blockOwnerDeletion)
    }
}

/// "namespace/name" or "name": the key controllers and caches use.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The namespace; nil for cluster-scoped objects.
    public var namespace: String?
    /// The object's name.
    public var name: String

    /// The key of `name` in `namespace` (nil or empty: cluster-scoped).
    public init(namespace: String?, name: String) {
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
    }

    /// The key of `object`.
    public init(_ object: some KubeObject) {
        self.init(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
    }

    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.description < rhs.description }
}
