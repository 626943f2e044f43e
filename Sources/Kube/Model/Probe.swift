/// A liveness, readiness or startup probe.
public struct Probe: Codable, Sendable, Hashable {
    /// An HTTP GET; a 2xx or 3xx answer passes.
    public struct HTTPGet: Codable, Sendable, Hashable {
        public var path: String?
        public var port: IntOrString
        public var host: String?
        public var scheme: String?
        /// GET `path` on `port` (a number or a container port's name) over `scheme` (HTTP when nil).
        public init(path: String? = nil, port: IntOrString, scheme: String? = nil) {
            self.path = path
            self.port = port
            self.scheme = scheme
        }
    }

    public var httpGet: HTTPGet?
    public var initialDelaySeconds: Int?
    public var timeoutSeconds: Int?
    public var periodSeconds: Int?
    public var successThreshold: Int?
    public var failureThreshold: Int?

    /// A probe sending an HTTP GET.
    public init(httpGet: HTTPGet) {
        self.httpGet = httpGet
    }
}
