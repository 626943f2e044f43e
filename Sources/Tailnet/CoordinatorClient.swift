public import CurlHTTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Typed client for the coordinator's HTTP API (docs/coordinator-openapi.yaml), on libcurl.
///
/// One client carries one bearer token: an admin token (relayctl), a relay-publisher token (the operator), or
/// the node token a node got at registration.
public struct CoordinatorClient: Sendable {
    /// Base URL, e.g. `http://127.0.0.1:8480` (no trailing slash).
    public let baseURL: String
    /// Bearer token sent with every call, if any.
    public let token: String?
    let http: HTTPClient

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - baseURL: `http://` (loopback) or `https://` URL of the coordinator.
    ///   - token: Bearer token for authenticated calls.
    ///   - tls: CA and client credentials for HTTPS.
    ///   - http: A shared libcurl client (one per process is enough); by default a new one.
    /// - Throws: ``CoordinatorClientError/invalidURL(_:)``.
    public init(
        baseURL: String, token: String? = nil, tls: TLSConfiguration = TLSConfiguration(), http: HTTPClient? = nil
    )
        throws
    {
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw CoordinatorClientError.invalidURL(baseURL)
        }
        if let token, token.isEmpty || !token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            throw CoordinatorClientError.invalidToken
        }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.http =
            http
            ?? HTTPClient(
                configuration: HTTPClientConfiguration(
                    tls: tls, connectTimeout: .seconds(5), requestTimeout: .seconds(30), preferHTTP2: false,
                    userAgent: "peerrelay-tailnet"))
    }

    /// The same coordinator with another token (shares the libcurl client). A malformed token is replaced by a
    /// placeholder the coordinator refuses with 401, so the call fails with a clear answer instead of a broken request.
    public func with(token: String?) -> CoordinatorClient {
        let usable = token.map { $0.utf8.allSatisfy { (0x21...0x7E).contains($0) } && !$0.isEmpty ? $0 : "malformed" }
        return CoordinatorClient(baseURL: baseURL, token: usable, http: http)
    }

    private init(baseURL: String, token: String?, http: HTTPClient) {
        self.baseURL = baseURL
        self.token = token
        self.http = http
    }

    /// Sends one request and returns the raw response.
    func exchange(
        _ method: String, _ path: String, body: [UInt8]? = nil, timeout: Duration? = nil,
        authorization: String? = nil
    ) async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("Accept", "application/json")
        if body != nil { headers.set("Content-Type", "application/json") }
        if let authorization {
            headers.set("Authorization", authorization)
        } else if let token {
            headers.set("Authorization", "Bearer \(token)")
        }
        do {
            return try await http.send(
                HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body, timeout: timeout))
        } catch let error as HTTPClientError {
            throw CoordinatorClientError.transport(error)
        }
    }

    /// Sends `body` as JSON and decodes a `2xx` answer as `Output`; other statuses become
    /// ``CoordinatorClientError/api(status:body:)``.
    func call<Output: Decodable>(
        _ method: String, _ path: String, body: some Encodable, as: Output.Type
    ) async throws -> Output {
        let response = try await exchange(method, path, body: Array(try JSONEncoder().encode(body)))
        return try Self.decode(response, as: Output.self)
    }

    /// Sends a request without a body and decodes a `2xx` answer as `Output`.
    func call<Output: Decodable>(_ method: String, _ path: String, as: Output.Type) async throws -> Output {
        try await Self.decode(exchange(method, path), as: Output.self)
    }

    static func decode<Output: Decodable>(_ response: HTTPResponse, as: Output.Type) throws -> Output {
        guard (200..<300).contains(response.status) else { throw failure(response) }
        do {
            return try JSONDecoder().decode(Output.self, from: Data(response.body))
        } catch {
            throw CoordinatorClientError.badResponse(status: response.status, detail: "\(error)")
        }
    }

    static func failure(_ response: HTTPResponse) -> CoordinatorClientError {
        if let body = try? JSONDecoder().decode(APIErrorBody.self, from: Data(response.body)) {
            return .api(status: response.status, body: body)
        }
        return .badResponse(status: response.status, detail: String(response.bodyText.prefix(200)))
    }

    /// Placeholder body type for calls without a body.
    struct Empty: Codable, Sendable {}
}
