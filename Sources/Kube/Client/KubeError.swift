public import CurlHTTP

/// A failed Kubernetes API call, typed from the `Status` body the server sent.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    case notFound(KubeStatus)
    case alreadyExists(KubeStatus)
    /// Stale resourceVersion, failed precondition, or a server-side apply field conflict (see causes).
    case conflict(KubeStatus)
    /// Validation failed; `status.causes` lists the fields.
    case invalid(KubeStatus)
    /// 410: the resourceVersion or continue token expired; re-list.
    case gone(KubeStatus)
    case tooManyRequests(KubeStatus, retryAfter: Duration?)
    case unauthorized(KubeStatus)
    case forbidden(KubeStatus)
    case badRequest(KubeStatus)
    case unsupportedMediaType(KubeStatus)
    /// 5xx.
    case server(code: Int, KubeStatus, retryAfter: Duration?)
    /// Any other non-success status.
    case unexpected(code: Int, KubeStatus)
    /// The request never got an answer (connection, TLS, timeout).
    case transport(HTTPClientError)
    /// The answer could not be decoded.
    case decoding(what: String, detail: String)
    /// Credentials could not be obtained (token file, exec plugin).
    case credentials(String)

    /// Builds the error for an HTTP status and body.
    public static func from(code: Int, body: [UInt8], retryAfter: Duration?) -> KubeError {
        var status = (try? JSONValue.parse(json: body).decode(KubeStatus.self)) ?? KubeStatus()
        if status.kind != "Status" || status.message == nil {
            let text = String(decoding: body.prefix(512), as: UTF8.self).trimmedWhitespace
            status = KubeStatus(
                status: "Failure", message: text.isEmpty ? "HTTP \(code)" : text, reason: nil, code: code)
        }
        if status.code == nil { status.code = code }
        let reason = status.reason ?? ""
        switch code {
        case 400: return .badRequest(status)
        case 401: return .unauthorized(status)
        case 403: return .forbidden(status)
        case 404: return .notFound(status)
        case 409: return reason == "AlreadyExists" ? .alreadyExists(status) : .conflict(status)
        case 410: return .gone(status)
        case 415: return .unsupportedMediaType(status)
        case 422: return .invalid(status)
        case 429: return .tooManyRequests(status, retryAfter: retryAfter)
        case 500...599: return .server(code: code, status, retryAfter: retryAfter)
        default: return .unexpected(code: code, status)
        }
    }

    /// Builds the error for an in-band watch ERROR event.
    public static func from(status: KubeStatus) -> KubeError {
        let body = (try? JSONValue(encoding: status).jsonBytes()) ?? []
        var error = from(code: status.code ?? 500, body: body, retryAfter: nil)
        if case .unexpected = error, status.reason == "Expired" || status.reason == "Gone" { error = .gone(status) }
        return error
    }

    /// The apiserver's Status body, for errors that carry one.
    public var status: KubeStatus? {
        switch self {
        case .notFound(let s), .alreadyExists(let s), .conflict(let s), .invalid(let s), .gone(let s),
            .unauthorized(let s), .forbidden(let s), .badRequest(let s), .unsupportedMediaType(let s):
            return s
        case .tooManyRequests(let s, _), .server(_, let s, _), .unexpected(_, let s): return s
        case .transport, .decoding, .credentials: return nil
        }
    }

    /// The HTTP status code, when the server answered.
    public var code: Int? { status?.code }

    /// Whether this is a 404.
    public var isNotFound: Bool { if case .notFound = self { return true } else { return false } }
    /// Whether this is a 409 conflict (stale resourceVersion).
    public var isConflict: Bool { if case .conflict = self { return true } else { return false } }
    /// Whether this is a 409 AlreadyExists.
    public var isAlreadyExists: Bool { if case .alreadyExists = self { return true } else { return false } }
    /// Whether this is a 410 Gone (the resourceVersion is too old: list again).
    public var isGone: Bool { if case .gone = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .transport(let error): return error.description
        case .decoding(let what, let detail): return "cannot decode \(what): \(detail)"
        case .credentials(let detail): return "cannot get credentials: \(detail)"
        default: break
        }
        let status = self.status ?? KubeStatus()
        var text = "\(status.code.map { "HTTP \($0)" } ?? "error")"
        if let reason = status.reason, !reason.isEmpty { text += " \(reason)" }
        text += ": \(status.message ?? "no message")"
        let causes = status.causes.compactMap { cause -> String? in
            guard let message = cause.message else { return nil }
            return cause.field.map { "\($0): \(message)" } ?? message
        }
        if !causes.isEmpty, status.message.map({ message in !causes.allSatisfy { message.contains($0) } }) ?? true {
            text += " [" + causes.joined(separator: "; ") + "]"
        }
        switch self {
        case .conflict: text += "; re-read the object and retry"
        case .gone: text += "; re-list to get a fresh resourceVersion"
        case .unauthorized: text += "; check the token or client certificate"
        case .forbidden: text += "; grant the needed RBAC permission"
        case .tooManyRequests(_, let after): text += "; retry after \(after.map { "\($0)" } ?? "a while")"
        default: break
        }
        return text
    }
}
