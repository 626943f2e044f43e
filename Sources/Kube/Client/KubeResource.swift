/// Where a kind lives in the API: group, version, plural resource name and scope. Operations are
/// generic over this description, so built-in kinds and custom resources work the same way.
public struct KubeResource: Sendable, Hashable, CustomStringConvertible {
    /// API group; "" for the core group.
    public var group: String
    /// API version, e.g. `v1`.
    public var version: String
    /// Plural resource name in URLs, e.g. `statefulsets`.
    public var plural: String
    /// Kind, e.g. `StatefulSet`.
    public var kind: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool

    /// A resource `plural` of `kind` in `group`/`version` (group "" is the core group).
    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// "v1" for the core group, "group/version" otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// "/api/v1" or "/apis/group/version".
    public var apiPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The REST path of a collection (`name == nil`) or an item, optionally a subresource.
    /// A namespaced resource with `namespace == nil` addresses all namespaces (list and watch only).
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var path = apiPrefix
        if namespaced, let namespace { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(plural)"
        if let name {
            path += "/\(Self.escape(name))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(allowed: Self.unreserved)
    }

    static let unreserved: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
}

extension KubeResource {
    /// Core `ConfigMap`.
    public static let configMaps = KubeResource(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    /// Core `Secret`.
    public static let secrets = KubeResource(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    /// Core `Pod`.
    public static let pods = KubeResource(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    /// Core `Service`.
    public static let services = KubeResource(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    /// Core `Namespace` (cluster-scoped).
    public static let namespaces = KubeResource(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    /// Core `Node` (cluster-scoped).
    public static let nodes = KubeResource(group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    /// Core `v1` `Event`.
    public static let coreEvents = KubeResource(
        group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    /// `apps/v1` `StatefulSet`.
    public static let statefulSets = KubeResource(
        group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true)
    /// `coordination.k8s.io/v1` `Lease`.
    public static let leases = KubeResource(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    /// `events.k8s.io/v1` `Event` (what ``EventRecorder`` writes).
    public static let events = KubeResource(
        group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)
    /// `apiextensions.k8s.io/v1` `CustomResourceDefinition` (cluster-scoped).
    public static let customResourceDefinitions = KubeResource(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
        kind: "CustomResourceDefinition",
        namespaced: false)
}

extension String {
    /// Percent-encodes every byte outside `allowed`.
    func addingPercentEncoding(allowed: Set<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in utf8 {
            if allowed.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    var trimmedWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
