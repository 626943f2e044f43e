/// A liveness, readiness or startup probe.
public struct Probe: Codable, Sendable, Hashable {
    /// An HTTP GET; a 2xx or 3xx answer passes.
    public struct HTTPGet: Codable, Sendable, Hashable {
        /// The URL path, e.g. `/readyz`.
        public var path: String?
        /// The port: a number or a container port's name.
        public var port: IntOrString
        /// The host to connect to (default: the pod IP).
        public var host: String?
        /// `HTTP` or `HTTPS`.
        public var scheme: String?
        /// GET `path` on `port` (a number or a container port's name) over `scheme` (HTTP when nil).
        public init(path: String? = nil, port: IntOrString, scheme: String? = nil) {
            self.path = path
            self.port = port
            self.scheme = scheme
        }
    }

    /// The HTTP check.
    public var httpGet: HTTPGet?
    /// Seconds after the container starts before the first probe.
    public var initialDelaySeconds: Int?
    /// Seconds one probe may take.
    public var timeoutSeconds: Int?
    /// Seconds between probes.
    public var periodSeconds: Int?
    /// Consecutive passes that count as passing again.
    public var successThreshold: Int?
    /// Consecutive failures that count as failing.
    public var failureThreshold: Int?

    /// A probe sending an HTTP GET.
    public init(httpGet: HTTPGet) {
        self.httpGet = httpGet
    }
}
