/// An environment variable of a container: a value, or one read from the pod's own fields.
public struct EnvVar: Codable, Sendable, Hashable {
    /// Where a value comes from.
    public struct Source: Codable, Sendable, Hashable {
        /// A field of the pod (`metadata.name`, `status.podIP`, …).
        public struct FieldRef: Codable, Sendable, Hashable {
            /// The API version of `fieldPath` (default `v1`).
            public var apiVersion: String?
            /// The pod field, e.g. `status.podIP`.
            public var fieldPath: String
            /// The pod field at `fieldPath`.
            public init(fieldPath: String) { self.fieldPath = fieldPath }
        }
        /// The pod field to read.
        public var fieldRef: FieldRef?
        /// A value from the pod field `fieldRef`.
        public init(fieldRef: FieldRef? = nil) {
            self.fieldRef = fieldRef
        }
    }

    /// The variable's name.
    public var name: String
    /// A literal value (`$(VAR)` references expand).
    public var value: String?
    /// Where to read the value instead.
    public var valueFrom: Source?

    /// Variable `name` set to `value` or read from `valueFrom`.
    public init(name: String, value: String? = nil, valueFrom: Source? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}
