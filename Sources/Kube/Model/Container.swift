/// A container of a pod.
public struct Container: Codable, Sendable, Hashable {
    /// A port the container listens on.
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        public var containerPort: Int
        public var hostPort: Int?
        /// TCP, UDP or SCTP.
        public var `protocol`: String?
        /// Port `containerPort` over `protocol` (TCP when nil).
        public init(name: String? = nil, containerPort: Int, protocol: String? = nil) {
            self.name = name
            self.containerPort = containerPort
            self.protocol = `protocol`
        }
    }

    public var name: String
    public var image: String?
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var ports: [Port]?
    public var env: [EnvVar]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var livenessProbe: Probe?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    public var securityContext: SecurityContext?
    public var terminationMessagePath: String?
    public var terminationMessagePolicy: String?
    public var stdin: Bool?
    public var tty: Bool?

    /// A container `name` running `image`.
    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}
