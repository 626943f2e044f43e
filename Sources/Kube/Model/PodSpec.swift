/// What a pod runs and where it may be scheduled.
public struct PodSpec: Codable, Sendable, Hashable {
    /// Lets the pod run on nodes with a matching taint.
    public struct Toleration: Codable, Sendable, Hashable {
        public var key: String?
        public var `operator`: String?
        public var value: String?
        public var effect: String?
        public var tolerationSeconds: Int64?
        /// Tolerates taint `key` (`operator` Equal to `value`, or Exists) with `effect`.
        public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
            self.key = key
            self.operator = `operator`
            self.value = value
            self.effect = effect
        }
    }

    public var containers: [Container]
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    /// Whether Service addresses are injected as environment variables (default true).
    public var enableServiceLinks: Bool?
    public var nodeName: String?
    public var nodeSelector: [String: String]?
    public var hostNetwork: Bool?
    public var dnsPolicy: String?
    public var securityContext: PodSecurityContext?
    public var affinity: JSONValue?
    public var tolerations: [Toleration]?
    public var topologySpreadConstraints: [JSONValue]?
    public var priorityClassName: String?
    public var schedulerName: String?
    public var hostname: String?
    public var subdomain: String?

    /// A spec running `containers`.
    public init(containers: [Container] = []) { self.containers = containers }
}
