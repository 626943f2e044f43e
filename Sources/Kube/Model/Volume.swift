/// A pod volume from a ConfigMap, a Secret or an emptyDir (the sources the operator mounts).
public struct Volume: Codable, Sendable, Hashable {
    /// The ConfigMap whose keys become files.
    public struct ConfigMapSource: Codable, Sendable, Hashable {
        /// The ConfigMap's name.
        public var name: String?
        /// Mode bits of the files (e.g. `0o444`).
        public var defaultMode: Int?
        /// Start the pod even when the ConfigMap is missing.
        public var optional: Bool?
        /// The source of ConfigMap `name`.
        public init(name: String, defaultMode: Int? = nil) {
            self.name = name
            self.defaultMode = defaultMode
        }
    }
    /// The Secret whose keys become files.
    public struct SecretSource: Codable, Sendable, Hashable {
        /// The Secret's name.
        public var secretName: String?
        /// Mode bits of the files (e.g. `0o440`).
        public var defaultMode: Int?
        /// Start the pod even when the Secret is missing.
        public var optional: Bool?
        /// The source of Secret `secretName`.
        public init(secretName: String, defaultMode: Int? = nil) {
            self.secretName = secretName
            self.defaultMode = defaultMode
        }
    }

    /// A directory that starts empty when the pod starts on a node and lives as long as the pod (it survives
    /// container restarts, not the pod's deletion).
    public struct EmptyDirSource: Codable, Sendable, Hashable {
        /// "" (the node's disk) or "Memory" (tmpfs, counted against the container's memory limit).
        public var medium: String?
        /// Quantity (e.g. "32Mi") above which the kubelet evicts the pod.
        public var sizeLimit: String?
        /// An emptyDir on `medium` limited to `sizeLimit`.
        public init(medium: String? = nil, sizeLimit: String? = nil) {
            self.medium = medium
            self.sizeLimit = sizeLimit
        }
    }

    /// The volume's name (what mounts refer to).
    public var name: String
    /// Files from a ConfigMap.
    public var configMap: ConfigMapSource?
    /// Files from a Secret.
    public var secret: SecretSource?
    /// A scratch directory for the pod's lifetime.
    public var emptyDir: EmptyDirSource?

    /// A volume called `name` with no source yet.
    public init(name: String) { self.name = name }

    /// A volume `name` of the files of ConfigMap `configMap`.
    public static func configMap(_ name: String, configMap: String) -> Volume {
        var volume = Volume(name: name)
        volume.configMap = ConfigMapSource(name: configMap)
        return volume
    }

    /// A volume `name` that is an empty directory, limited to `sizeLimit` (a quantity such as "32Mi").
    public static func emptyDir(_ name: String, sizeLimit: String? = nil) -> Volume {
        var volume = Volume(name: name)
        volume.emptyDir = EmptyDirSource(sizeLimit: sizeLimit)
        return volume
    }

    /// A volume `name` of the files of Secret `secretName`.
    public static func secret(_ name: String, secretName: String) -> Volume {
        var volume = Volume(name: name)
        volume.secret = SecretSource(secretName: secretName)
        return volume
    }
}
