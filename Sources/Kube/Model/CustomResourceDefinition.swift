/// apiextensions.k8s.io/v1 CustomResourceDefinition. The schema stays untyped JSON.
public struct CustomResourceDefinition: KubeObject, Hashable {
    /// The names of the defined resource.
    public struct Names: Codable, Sendable, Hashable {
        public var plural: String
        public var singular: String?
        public var kind: String
        public var listKind: String?
        public var shortNames: [String]?
        public var categories: [String]?
        /// Names with `plural`, `kind` and optional short forms.
        public init(plural: String, singular: String? = nil, kind: String, shortNames: [String]? = nil) {
            self.plural = plural
            self.singular = singular
            self.kind = kind
            self.shortNames = shortNames
        }
    }
    /// One served version and its schema.
    public struct Version: Codable, Sendable, Hashable {
        /// The OpenAPI v3 schema of a version.
        public struct Schema: Codable, Sendable, Hashable {
            public var openAPIV3Schema: JSONValue
            /// A schema.
            public init(openAPIV3Schema: JSONValue) { self.openAPIV3Schema = openAPIV3Schema }
        }
        public var name: String
        public var served: Bool
        public var storage: Bool
        public var schema: Schema?
        public var subresources: JSONValue?
        public var additionalPrinterColumns: [JSONValue]?
        public var deprecated: Bool?
        /// Version `name`, served and stored by default.
        public init(
            name: String, served: Bool = true, storage: Bool = true, schema: Schema? = nil,
            subresources: JSONValue? = nil
        ) {
            self.name = name
            self.served = served
            self.storage = storage
            self.schema = schema
            self.subresources = subresources
        }
    }
    /// The group, names, scope and versions of the definition.
    public struct Spec: Codable, Sendable, Hashable {
        public var group: String
        public var names: Names
        /// Namespaced or Cluster.
        public var scope: String
        public var versions: [Version]
        public var conversion: JSONValue?
        public var preserveUnknownFields: Bool?
        /// A definition of `names` in `group` with `scope` (Namespaced or Cluster).
        public init(group: String, names: Names, scope: String, versions: [Version]) {
            self.group = group
            self.names = names
            self.scope = scope
            self.versions = versions
        }
    }
    /// What the apiserver reports (conditions, accepted names).
    public struct Status: Codable, Sendable, Hashable {
        public var conditions: [JSONValue]?
        public var acceptedNames: Names?
        public var storedVersions: [String]?
    }

    public static let resource = KubeResource.customResourceDefinitions
    public var apiVersion: String? = "apiextensions.k8s.io/v1"
    public var kind: String? = "CustomResourceDefinition"
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    /// A definition with `metadata` and `spec`.
    public init(metadata: ObjectMeta, spec: Spec) {
        self.metadata = metadata
        self.spec = spec
    }

    /// Whether the API server reports the definition as served (`Established=True`).
    public var isEstablished: Bool {
        status?.conditions?.contains { $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True" }
            ?? false
    }

    /// The resource description of the storage (or first) version.
    public var resource: KubeResource {
        let version = spec.versions.first { $0.storage } ?? spec.versions[0]
        return KubeResource(
            group: spec.group, version: version.name, plural: spec.names.plural, kind: spec.names.kind,
            namespaced: spec.scope == "Namespaced")
    }
}
