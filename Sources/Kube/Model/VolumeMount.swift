/// Where a container sees a pod volume.
public struct VolumeMount: Codable, Sendable, Hashable {
    /// The volume's name.
    public var name: String
    /// Where it appears in the container.
    public var mountPath: String
    /// Mount only this path of the volume.
    public var subPath: String?
    /// Mount it read-only.
    public var readOnly: Bool?
    /// Volume `name` mounted at `mountPath`.
    public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}
