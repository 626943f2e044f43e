import CurlHTTP
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Kubernetes API client over libcurl: JSON over HTTPS, typed errors, bounded retries that honour
/// Retry-After, credential refresh after a 401, and streaming watches.
public final class KubeClient: Sendable {
    public let configuration: KubeClientConfiguration
    let credentials: CredentialSource
    private let transport: Mutex<(client: HTTPClient, certificate: [UInt8]?)>

    public init(configuration: KubeClientConfiguration) {
        self.configuration = configuration
        credentials = CredentialSource(auth: configuration.auth, server: configuration.server)
        transport = Mutex((Self.makeHTTPClient(configuration, tls: configuration.tls), nil))
    }

    /// A client from a kubeconfig (explicit path, else KUBECONFIG, else ~/.kube/config).
    public convenience init(kubeconfig path: String? = nil, context: String? = nil) throws(KubeConfigError) {
        self.init(configuration: try KubeConfigLoader.load(path: path, context: context))
    }

    /// The namespace used when a namespaced call gives none.
    public var defaultNamespace: String { configuration.namespace }

    private static func makeHTTPClient(_ configuration: KubeClientConfiguration, tls: TLSConfiguration) -> HTTPClient {
        HTTPClient(
            configuration: HTTPClientConfiguration(
                tls: tls, connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
                userAgent: configuration.userAgent))
    }

    /// The HTTP client for a credential; rebuilt when an exec plugin hands out a new client certificate.
    private func httpClient(for credential: CredentialSource.Credential) -> HTTPClient {
        transport.withLock { state in
            if let certificate = credential.clientCertificate, certificate != state.certificate {
                var tls = configuration.tls
                tls.clientCertificate = .data(certificate)
                tls.clientKey = credential.clientKey.map { .data($0) }
                state = (Self.makeHTTPClient(configuration, tls: tls), certificate)
            }
            return state.client
        }
    }

    func httpClientForWatch(_ credential: CredentialSource.Credential) -> HTTPClient { httpClient(for: credential) }

    func httpRequest(_ request: KubeRequest, credential: CredentialSource.Credential, timeout: Duration? = nil)
        -> HTTPRequest
    {
        var headers = HTTPHeaders()
        headers.add("Accept", "application/json")
        if let contentType = request.contentType { headers.add("Content-Type", contentType) }
        if let token = credential.token { headers.add("Authorization", "Bearer \(token)") }
        return HTTPRequest(
            method: request.method, url: request.url(server: configuration.server), headers: headers, body: request.body,
            timeout: timeout)
    }

    /// Sends a request and returns the 2xx response; retries 429 and (with Retry-After, or for reads)
    /// 5xx a bounded number of times, refreshes credentials once after a 401.
    public func execute(_ request: KubeRequest) async throws(KubeError) -> HTTPResponse {
        let idempotent = request.method == "GET"
        var attempt = 0
        var refreshed = false
        while true {
            let credential = try await credentials.current()
            let response: HTTPResponse
            do {
                response = try await httpClient(for: credential).send(httpRequest(request, credential: credential))
            } catch let error as HTTPClientError {
                if case .cancelled = error { throw .transport(error) }
                if Task.isCancelled { throw .transport(.cancelled) }
                let retryable: Bool
                switch error {
                case .connectionRefused, .connectionLost, .timedOut: retryable = idempotent
                default: retryable = false
                }
                guard retryable, attempt < configuration.maxRetries else { throw .transport(error) }
                attempt += 1
                try await sleep(Backoff.exponential(attempt: attempt, base: .milliseconds(200), cap: configuration.maxRetryDelay))
                continue
            } catch {
                throw .transport(.transport(url: request.path, code: 0, detail: "\(error)"))
            }
            if (200..<300).contains(response.status) { return response }
            if response.status == 401, !refreshed, configuration.auth != .none {
                refreshed = true
                _ = try await credentials.current(forceRefresh: true)
                continue
            }
            let retryAfter = Self.retryAfter(response.headers["Retry-After"])
            let error = KubeError.from(code: response.status, body: response.body, retryAfter: retryAfter)
            let retry: Bool
            switch response.status {
            case 429: retry = true
            case 500...599: retry = retryAfter != nil || (idempotent && (response.status == 503 || response.status == 504))
            default: retry = false
            }
            guard retry, attempt < configuration.maxRetries else { throw error }
            attempt += 1
            let delay = retryAfter ?? Backoff.exponential(attempt: attempt, base: .milliseconds(500), cap: configuration.maxRetryDelay)
            try await sleep(min(delay, configuration.maxRetryDelay))
        }
    }

    private func sleep(_ duration: Duration) async throws(KubeError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw .transport(.cancelled)
        }
    }

    static func retryAfter(_ header: String?) -> Duration? {
        guard let header, let seconds = Int(header.trimmedWhitespace), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, what: String) throws(KubeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw .decoding(what: what, detail: "\(error)")
        }
    }

    func encode(_ value: some Encodable, what: String) throws(KubeError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw .decoding(what: what, detail: "cannot encode: \(error)")
        }
    }

    func namespace(for resource: KubeResource, _ namespace: String?) -> String? {
        resource.namespaced ? (namespace ?? configuration.namespace) : nil
    }
}
