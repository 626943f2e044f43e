/// A pod volume. Common sources are typed; others stay reachable through `other`-style JSON in
/// `projected`, `persistentVolumeClaim` and `csi`.
public struct Volume: Codable, Sendable, Hashable {
    public struct KeyToPath: Codable, Sendable, Hashable {
        public var key: String
        public var path: String
        public var mode: Int?
        public init(key: String, path: String, mode: Int? = nil) {
            self.key = key
            self.path = path
            self.mode = mode
        }
    }
    public struct ConfigMapSource: Codable, Sendable, Hashable {
        public var name: String?
        public var items: [KeyToPath]?
        public var defaultMode: Int?
        public var optional: Bool?
        public init(name: String, items: [KeyToPath]? = nil, defaultMode: Int? = nil) {
            self.name = name
            self.items = items
            self.defaultMode = defaultMode
        }
    }
    public struct SecretSource: Codable, Sendable, Hashable {
        public var secretName: String?
        public var items: [KeyToPath]?
        public var defaultMode: Int?
        public var optional: Bool?
        public init(secretName: String, items: [KeyToPath]? = nil, defaultMode: Int? = nil) {
            self.secretName = secretName
            self.items = items
            self.defaultMode = defaultMode
        }
    }
    public struct EmptyDirSource: Codable, Sendable, Hashable {
        public var medium: String?
        public var sizeLimit: Quantity?
        public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
            self.medium = medium
            self.sizeLimit = sizeLimit
        }
    }
    public struct HostPathSource: Codable, Sendable, Hashable {
        public var path: String
        public var type: String?
        public init(path: String, type: String? = nil) {
            self.path = path
            self.type = type
        }
    }

    public var name: String
    public var configMap: ConfigMapSource?
    public var secret: SecretSource?
    public var emptyDir: EmptyDirSource?
    public var hostPath: HostPathSource?
    public var projected: JSONValue?
    public var persistentVolumeClaim: JSONValue?
    public var downwardAPI: JSONValue?
    public var csi: JSONValue?

    public init(name: String) { self.name = name }

    public static func configMap(_ name: String, configMap: String) -> Volume {
        var volume = Volume(name: name)
        volume.configMap = ConfigMapSource(name: configMap)
        return volume
    }

    public static func secret(_ name: String, secretName: String) -> Volume {
        var volume = Volume(name: name)
        volume.secret = SecretSource(secretName: secretName)
        return volume
    }

    public static func emptyDir(_ name: String) -> Volume {
        var volume = Volume(name: name)
        volume.emptyDir = EmptyDirSource()
        return volume
    }
}
