/// Why an HTTP exchange failed before a response was complete. HTTP error statuses are not errors
/// at this layer: they come back as responses.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be parsed or uses a scheme libcurl cannot handle.
    case invalidURL(String, detail: String)
    /// The host name did not resolve.
    case hostNotFound(url: String, detail: String)
    /// Nothing accepted the TCP connection (server down, wrong port, firewall).
    case connectionRefused(url: String, detail: String)
    /// The connect or total timeout elapsed.
    case timedOut(url: String, after: Duration?, detail: String)
    /// TLS handshake or verification failed (untrusted CA, wrong host name, bad client certificate).
    case tlsFailure(url: String, detail: String)
    /// A certificate, key or CA given in the configuration could not be loaded.
    case badCredentials(detail: String)
    /// The connection broke during the exchange (reset, server closed early, HTTP/2 stream error).
    case connectionLost(url: String, detail: String)
    /// The task was cancelled or the stream was dropped.
    case cancelled
    /// Any other libcurl failure.
    case transport(url: String, code: Int, detail: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let detail):
            return "invalid URL \"\(url)\": \(detail); use an absolute http:// or https:// URL"
        case .hostNotFound(let url, let detail):
            return "cannot resolve the host of \(url): \(detail); check the server address and DNS"
        case .connectionRefused(let url, let detail):
            return
                "cannot connect to \(url): \(detail); check that the server is running and the address and port are right"
        case .timedOut(let url, let after, let detail):
            let limit = after.map { " after \($0)" } ?? ""
            return
                "request to \(url) timed out\(limit): \(detail); the server is slow or unreachable, raise the timeout or check the network"
        case .tlsFailure(let url, let detail):
            return
                "TLS with \(url) failed: \(detail); check the CA certificate, the server name and the client certificate"
        case .badCredentials(let detail):
            return
                "cannot load TLS credentials: \(detail); check that the certificate and key are PEM and belong together"
        case .connectionLost(let url, let detail):
            return
                "connection to \(url) broke during the exchange: \(detail); retry, and check the server's logs if it persists"
        case .cancelled:
            return "the request was cancelled"
        case .transport(let url, let code, let detail):
            return "request to \(url) failed (libcurl error \(code)): \(detail)"
        }
    }
}
