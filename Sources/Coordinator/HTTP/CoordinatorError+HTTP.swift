public import HTTPTypes
public import Hummingbird
public import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorError: HTTPResponseError {
    /// HTTP status of the error.
    public var status: HTTPResponse.Status {
        switch self {
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .notInitialized: .serviceUnavailable
        case .internalFailure: .internalServerError
        }
    }

    /// Stable JSON error code.
    public var code: String {
        switch self {
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .invalid: "invalid_request"
        case .notFound: "not_found"
        case .conflict: "conflict"
        case .notInitialized: "not_initialized"
        case .internalFailure: "internal"
        }
    }

    /// The JSON body.
    public var body: APIErrorBody {
        switch self {
        case .invalid(let message, let fields): APIErrorBody(error: code, message: message, fields: fields)
        default: APIErrorBody(error: code, message: description)
        }
    }

    /// The JSON error response; 401 also carries `WWW-Authenticate: Bearer`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(body, status: status)
        if case .unauthorized = self { response.headers[.wwwAuthenticate] = #"Bearer realm="tailnet-coordinator""# }
        return response
    }
}
