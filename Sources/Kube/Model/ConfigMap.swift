/// core/v1 ConfigMap.
public struct ConfigMap: KubeObject, Hashable {
    public static let resource = KubeResource.configMaps
    public var apiVersion: String? = "v1"
    public var kind: String? = "ConfigMap"
    public var metadata: ObjectMeta
    /// The entries (key to text).
    public var data: [String: String]?
    /// Values are base64 in JSON.
    public var binaryData: [String: String]?
    /// Whether the data can no longer change.
    public var immutable: Bool?

    /// A ConfigMap with `metadata` and `data`.
    public init(metadata: ObjectMeta = ObjectMeta(), data: [String: String]? = nil) {
        self.metadata = metadata
        self.data = data
    }
}

/// core/v1 Secret. `data` values are base64; `stringData` is write-only plain text.
public struct Secret: KubeObject, Hashable {
    public static let resource = KubeResource.secrets
    public var apiVersion: String? = "v1"
    public var kind: String? = "Secret"
    public var metadata: ObjectMeta
    /// The Secret type, e.g. `Opaque`.
    public var type: String?
    /// The entries, base64 values.
    public var data: [String: String]?
    /// Plain-text entries merged into `data` on write (never read back).
    public var stringData: [String: String]?
    /// Whether the data can no longer change.
    public var immutable: Bool?

    /// A Secret with `metadata`, `type` (e.g. `Opaque`) and plain-text `stringData`.
    public init(metadata: ObjectMeta = ObjectMeta(), type: String? = nil, stringData: [String: String]? = nil) {
        self.metadata = metadata
        self.type = type
        self.stringData = stringData
    }
}

/// core/v1 Namespace.
public struct Namespace: KubeObject, Hashable {
    /// The namespace's phase (`Active`, `Terminating`).
    public struct Status: Codable, Sendable, Hashable {
        /// `Active` or `Terminating`.
        public var phase: String?
    }
    public static let resource = KubeResource.namespaces
    public var apiVersion: String? = "v1"
    public var kind: String? = "Namespace"
    public var metadata: ObjectMeta
    /// The namespace's phase.
    public var status: Status?

    /// A namespace called `name`.
    public init(name: String) { metadata = ObjectMeta(name: name) }
}
