/// A container of a pod.
public struct Container: Codable, Sendable, Hashable {
    /// A port the container listens on.
    public struct Port: Codable, Sendable, Hashable {
        /// The port's name (what probes and Services may refer to).
        public var name: String?
        /// The port inside the container.
        public var containerPort: Int
        /// The same port opened on the node's addresses.
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

    /// The container's name, unique in the pod.
    public var name: String
    /// The image reference.
    public var image: String?
    /// `Always`, `IfNotPresent` or `Never`.
    public var imagePullPolicy: String?
    /// The entrypoint (replaces the image's).
    public var command: [String]?
    /// Its arguments (`$(VAR)` references expand).
    public var args: [String]?
    /// The working directory.
    public var workingDir: String?
    /// Ports the container listens on.
    public var ports: [Port]?
    /// Environment variables.
    public var env: [EnvVar]?
    /// CPU and memory requests and limits.
    public var resources: ResourceRequirements?
    /// Volumes mounted into the container.
    public var volumeMounts: [VolumeMount]?
    /// Restarts the container when it fails.
    public var livenessProbe: Probe?
    /// Takes the pod out of Service endpoints while it fails.
    public var readinessProbe: Probe?
    /// Holds the other probes until it passes once.
    public var startupProbe: Probe?
    /// User, capabilities and filesystem restrictions.
    public var securityContext: SecurityContext?
    /// File the container writes its termination message to.
    public var terminationMessagePath: String?
    /// `File` or `FallbackToLogsOnError`.
    public var terminationMessagePolicy: String?
    /// Keep stdin open.
    public var stdin: Bool?
    /// Allocate a TTY.
    public var tty: Bool?

    /// A container `name` running `image`.
    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}
