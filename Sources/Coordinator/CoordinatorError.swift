/// Every failure the coordinator reports to a caller. Each case maps to one HTTP status and JSON error code, and
/// its message says what is wrong and what to do.
public enum CoordinatorError: Error, CustomStringConvertible, Equatable {
    /// No credential, or one the coordinator does not know (HTTP 401).
    case unauthorized(String)
    /// A known credential that may not do this (HTTP 403).
    case forbidden(String)
    /// Bad input; `fields` maps each rejected field to what is wrong with it (HTTP 400).
    case invalid(String, fields: [String: String])
    /// The named object does not exist (HTTP 404).
    case notFound(String)
    /// The request conflicts with the current state (HTTP 409).
    case conflict(String)
    /// The data directory or database has not been initialized with `tailnet-coordinator init`.
    case notInitialized(String)
    /// A storage, key-file or certificate failure the caller cannot fix (HTTP 500).
    case internalFailure(String)

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .unauthorized(let m), .forbidden(let m), .notFound(let m), .conflict(let m), .notInitialized(let m),
            .internalFailure(let m):
            m
        case .invalid(let m, let fields):
            fields.isEmpty
                ? m
                : m + ": "
                    + fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: "; ")
        }
    }

    /// Builds an `invalid` error for the fields with problems, or returns `nil` when there are none.
    static func invalidFields(_ fields: [String: String]) -> CoordinatorError? {
        fields.isEmpty ? nil : .invalid("the request has invalid fields", fields: fields)
    }
}
