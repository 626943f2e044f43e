public import CurlHTTP

/// Why a coordinator call failed.
public enum CoordinatorClientError: Error, CustomStringConvertible, Sendable {
    /// The coordinator answered with an error status and a JSON error body.
    case api(status: Int, body: APIErrorBody)
    /// The coordinator could not be reached or the exchange broke.
    case transport(HTTPClientError)
    /// The coordinator answered something this client does not understand.
    case badResponse(status: Int, detail: String)
    /// The base URL is unusable.
    case invalidURL(String)
    /// The token holds characters no coordinator token has (spaces, line breaks, non-ASCII).
    case invalidToken

    /// The HTTP status for `api` and `badResponse` errors.
    public var status: Int? {
        switch self {
        case .api(let status, _), .badResponse(let status, _): status
        default: nil
        }
    }

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .api(let status, let body):
            var text = "coordinator refused the request (HTTP \(status) \(body.error)): \(body.message)"
            if let fields = body.fields, !fields.isEmpty {
                text +=
                    " ["
                    + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                    .joined(separator: "; ") + "]"
            }
            return text
        case .transport(let error): return "cannot reach the coordinator: \(error)"
        case .badResponse(let status, let detail):
            return
                "unexpected coordinator response (HTTP \(status)): \(detail); check that the URL points at a tailnet-coordinator"
        case .invalidToken:
            return "the token is malformed (it contains spaces, line breaks or non-ASCII characters); "
                + "tokens look like pradm_…, prpub_… or prnode_… — check the token file"
        case .invalidURL(let url):
            return "invalid coordinator URL '\(url)'; use http://127.0.0.1:PORT (loopback) or https://HOST:PORT"
        }
    }
}
