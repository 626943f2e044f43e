@_exported import Interchange
@_exported import YAMLParsing

/// A typed Kubernetes object: it knows its resource and carries metadata.
public protocol KubeObject: Codable, Sendable {
    static var resource: KubeResource { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }
}

extension KubeObject {
    public var name: String { metadata.name ?? "" }
    public var namespace: String? { metadata.namespace }
    public var uid: String? { metadata.uid }
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
    public var namespace: String?
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
