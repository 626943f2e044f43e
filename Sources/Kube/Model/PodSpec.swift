/// What a pod runs and where it may be scheduled.
public struct PodSpec: Codable, Sendable, Hashable {
    /// Lets the pod run on nodes with a matching taint.
    public struct Toleration: Codable, Sendable, Hashable {
        /// The taint key tolerated; nil with `Exists` tolerates every taint.
        public var key: String?
        /// `Equal` (default) or `Exists`.
        public var `operator`: String?
        /// The taint value, for `Equal`.
        public var value: String?
        /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; nil matches all.
        public var effect: String?
        /// For `NoExecute`: how long the pod stays after the taint appears.
        public var tolerationSeconds: Int64?
        /// Tolerates taint `key` (`operator` Equal to `value`, or Exists) with `effect`.
        public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
            self.key = key
            self.operator = `operator`
            self.value = value
            self.effect = effect
        }
    }

    /// The containers.
    public var containers: [Container]
    /// Containers run to completion, one by one, before the others start.
    public var initContainers: [Container]?
    /// Volumes the containers may mount.
    public var volumes: [Volume]?
    /// `Always`, `OnFailure` or `Never`.
    public var restartPolicy: String?
    /// Seconds between SIGTERM and SIGKILL.
    public var terminationGracePeriodSeconds: Int64?
    /// The ServiceAccount the pod runs as.
    public var serviceAccountName: String?
    /// Whether the ServiceAccount token is mounted.
    public var automountServiceAccountToken: Bool?
    /// Whether Service addresses are injected as environment variables (default true).
    public var enableServiceLinks: Bool?
    /// The node the pod is bound to (set by the scheduler).
    public var nodeName: String?
    /// Labels a node must have.
    public var nodeSelector: [String: String]?
    /// Use the node's network namespace.
    public var hostNetwork: Bool?
    /// `ClusterFirst`, `Default`, `ClusterFirstWithHostNet` or `None`.
    public var dnsPolicy: String?
    /// Security settings of every container.
    public var securityContext: PodSecurityContext?
    /// Node and pod affinity rules, as Kubernetes writes them.
    public var affinity: JSONValue?
    /// Taints the pod tolerates.
    public var tolerations: [Toleration]?
    /// How pods spread across topology domains (kept opaque).
    public var topologySpreadConstraints: [JSONValue]?
    /// The PriorityClass of the pod.
    public var priorityClassName: String?
    /// The scheduler that places the pod.
    public var schedulerName: String?
    /// The pod's host name (default: its name).
    public var hostname: String?
    /// With a headless Service of this name: the pod's DNS subdomain.
    public var subdomain: String?

    /// A spec running `containers`.
    public init(containers: [Container] = []) { self.containers = containers }
}
