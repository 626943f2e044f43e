public import CurlHTTP

/// How a ``KubeClient`` exchanges HTTP with the API server: one request and its whole answer, or a
/// streaming answer for watches.
///
/// `CurlHTTP.HTTPClient` is the production transport. Tests pass their own to run client code (reconcile
/// decisions, finalizer paths) without a cluster.
public protocol KubeTransport: Sendable {
    /// Sends `request` and returns the complete response (any status).
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Sends `request` and returns once the response head arrives; the body streams.
    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse
}

extension HTTPClient: KubeTransport {}
