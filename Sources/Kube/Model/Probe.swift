/// A liveness, readiness or startup probe.
public struct Probe: Codable, Sendable, Hashable {
    public struct HTTPGet: Codable, Sendable, Hashable {
        public var path: String?
        public var port: IntOrString
        public var host: String?
        public var scheme: String?
        public var httpHeaders: [JSONValue]?
        public init(path: String? = nil, port: IntOrString, scheme: String? = nil) {
            self.path = path
            self.port = port
            self.scheme = scheme
        }
    }
    public struct TCPSocket: Codable, Sendable, Hashable {
        public var port: IntOrString
        public var host: String?
        public init(port: IntOrString) { self.port = port }
    }
    public struct Exec: Codable, Sendable, Hashable {
        public var command: [String]?
        public init(command: [String]) { self.command = command }
    }

    public var httpGet: HTTPGet?
    public var tcpSocket: TCPSocket?
    public var exec: Exec?
    public var initialDelaySeconds: Int?
    public var timeoutSeconds: Int?
    public var periodSeconds: Int?
    public var successThreshold: Int?
    public var failureThreshold: Int?

    public init(httpGet: HTTPGet? = nil, tcpSocket: TCPSocket? = nil, exec: Exec? = nil) {
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.exec = exec
    }
}

/// Container security settings.
public struct SecurityContext: Codable, Sendable, Hashable {
    public struct Capabilities: Codable, Sendable, Hashable {
        public var add: [String]?
        public var drop: [String]?
        public init(add: [String]? = nil, drop: [String]? = nil) {
            self.add = add
            self.drop = drop
        }
    }
    public struct SeccompProfile: Codable, Sendable, Hashable {
        public var type: String
        public var localhostProfile: String?
        public init(type: String) { self.type = type }
    }

    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var privileged: Bool?
    public var capabilities: Capabilities?
    public var seccompProfile: SeccompProfile?

    public init() {}
}

/// Pod-level security settings.
public struct PodSecurityContext: Codable, Sendable, Hashable {
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var fsGroup: Int64?
    public var supplementalGroups: [Int64]?
    public var seccompProfile: SecurityContext.SeccompProfile?
    public var sysctls: [JSONValue]?
    public init() {}
}
