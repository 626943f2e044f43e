/// apiextensions.k8s.io/v1 CustomResourceDefinition. The schema stays untyped JSON.
public struct CustomResourceDefinition: KubeObject, Hashable {
    /// The names of the defined resource.
    public struct Names: Codable, Sendable, Hashable {
        /// Plural lower-case name used in URLs, e.g. `peerrelays`.
        public var plural: String
        /// Singular lower-case name.
        public var singular: String?
        /// The kind, e.g. `PeerRelay`.
        public var kind: String
        /// The list kind (default: kind + `List`).
        public var listKind: String?
        /// Short names for kubectl, e.g. `pr`.
        public var shortNames: [String]?
        /// Groups the resource belongs to, e.g. `all`.
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
            /// The structural schema objects of this version must match.
            public var openAPIV3Schema: JSONValue
            /// A schema.
            public init(openAPIV3Schema: JSONValue) { self.openAPIV3Schema = openAPIV3Schema }
        }
        /// The version, e.g. `v1alpha1`.
        public var name: String
        /// Whether the apiserver serves it.
        public var served: Bool
        /// Whether objects are stored in it (exactly one version).
        public var storage: Bool
        /// Its schema.
        public var schema: Schema?
        /// The `status` and `scale` subresources, if enabled.
        public var subresources: JSONValue?
        /// Extra `kubectl get` columns.
        public var additionalPrinterColumns: [JSONValue]?
        /// Whether clients are warned that the version is deprecated.
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
        /// The API group, e.g. `peerrelay.dev`.
        public var group: String
        /// The resource's names.
        public var names: Names
        /// Namespaced or Cluster.
        public var scope: String
        /// The versions, each with its schema.
        public var versions: [Version]
        /// How objects are converted between versions.
        public var conversion: JSONValue?
        /// Whether unknown fields are kept (must be false in apiextensions/v1).
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
        /// `Established`, `NamesAccepted` and others (kept opaque).
        public var conditions: [JSONValue]?
        /// The names the apiserver accepted.
        public var acceptedNames: Names?
        /// Versions objects were ever stored in.
        public var storedVersions: [String]?
    }

    public static let resource = KubeResource.customResourceDefinitions
    public var apiVersion: String? = "apiextensions.k8s.io/v1"
    public var kind: String? = "CustomResourceDefinition"
    public var metadata: ObjectMeta
    /// The definition.
    public var spec: Spec
    /// Whether it is established, and its accepted names.
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
