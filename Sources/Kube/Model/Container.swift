/// A container of a pod.
public struct Container: Codable, Sendable, Hashable {
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        public var containerPort: Int
        public var hostPort: Int?
        /// TCP, UDP or SCTP.
        public var `protocol`: String?
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
    public var envFrom: [EnvFromSource]?
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

    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}

public struct EnvVar: Codable, Sendable, Hashable {
    public struct Source: Codable, Sendable, Hashable {
        public struct KeyRef: Codable, Sendable, Hashable {
            public var name: String?
            public var key: String
            public var optional: Bool?
            public init(name: String?, key: String, optional: Bool? = nil) {
                self.name = name
                self.key = key
                self.optional = optional
            }
        }
        public struct FieldRef: Codable, Sendable, Hashable {
            public var apiVersion: String?
            public var fieldPath: String
            public init(fieldPath: String) { self.fieldPath = fieldPath }
        }
        public struct ResourceFieldRef: Codable, Sendable, Hashable {
            public var containerName: String?
            public var resource: String
            public var divisor: Quantity?
        }
        public var fieldRef: FieldRef?
        public var resourceFieldRef: ResourceFieldRef?
        public var configMapKeyRef: KeyRef?
        public var secretKeyRef: KeyRef?
        public init(
            fieldRef: FieldRef? = nil, configMapKeyRef: KeyRef? = nil, secretKeyRef: KeyRef? = nil
        ) {
            self.fieldRef = fieldRef
            self.configMapKeyRef = configMapKeyRef
            self.secretKeyRef = secretKeyRef
        }
    }

    public var name: String
    public var value: String?
    public var valueFrom: Source?

    public init(name: String, value: String? = nil, valueFrom: Source? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

public struct EnvFromSource: Codable, Sendable, Hashable {
    public struct Ref: Codable, Sendable, Hashable {
        public var name: String?
        public var optional: Bool?
        public init(name: String?, optional: Bool? = nil) {
            self.name = name
            self.optional = optional
        }
    }
    public var prefix: String?
    public var configMapRef: Ref?
    public var secretRef: Ref?
    public init(prefix: String? = nil, configMapRef: Ref? = nil, secretRef: Ref? = nil) {
        self.prefix = prefix
        self.configMapRef = configMapRef
        self.secretRef = secretRef
    }
}

public struct ResourceRequirements: Codable, Sendable, Hashable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}

public struct VolumeMount: Codable, Sendable, Hashable {
    public var name: String
    public var mountPath: String
    public var subPath: String?
    public var readOnly: Bool?
    public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}
