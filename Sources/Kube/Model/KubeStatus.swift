/// The `Status` object the API server returns for errors and some deletes.
public struct KubeStatus: Codable, Sendable, Hashable {
    /// One reason of a failure (a field and what is wrong with it).
    public struct Cause: Codable, Sendable, Hashable {
        /// Machine-readable reason, e.g. `FieldValueRequired`.
        public var reason: String?
        /// What is wrong with the field.
        public var message: String?
        /// The field path, e.g. `spec.replicas`.
        public var field: String?
    }

    /// What a failure concerns (kind, name, causes).
    public struct Details: Codable, Sendable, Hashable {
        /// Name of the object concerned.
        public var name: String?
        /// Its API group.
        public var group: String?
        /// Its kind.
        public var kind: String?
        /// Its uid.
        public var uid: String?
        /// The individual reasons (e.g. one per invalid field).
        public var causes: [Cause]?
        /// Seconds to wait before retrying (429 and some 5xx).
        public var retryAfterSeconds: Int?
    }

    /// `Status`.
    public var kind: String?
    /// `v1`.
    public var apiVersion: String?
    /// "Success" or "Failure".
    public var status: String?
    /// The apiserver's explanation.
    public var message: String?
    /// Machine-readable reason, e.g. `NotFound`, `Conflict`, `Invalid`.
    public var reason: String?
    /// The object concerned and the causes.
    public var details: Details?
    /// The HTTP status code.
    public var code: Int?

    /// A status.
    public init(status: String? = nil, message: String? = nil, reason: String? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
    }

    /// ``Details/causes``, empty when there are none.
    public var causes: [Cause] { details?.causes ?? [] }
}
