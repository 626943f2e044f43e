public import CurlHTTP
public import Metrics
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Kubernetes API client: JSON over HTTPS, typed errors, bounded retries that honour Retry-After,
/// credential refresh after a 401, and streaming watches.
///
/// Every HTTP request it sends (each retry too) is counted once, here, in the counter named by
/// ``requestsMetric`` (swift-metrics).
public final class KubeClient: Sendable {
    /// Where the API server is and how to authenticate.
    public let configuration: KubeClientConfiguration
    /// Label of the counter of requests sent through this client.
    public let requestsMetric: String
    let credentials: CredentialSource
    let connection: Connection
    let requests: Counter
    let metrics: any MetricsFactory

    /// The default label of the request counter.
    public static let defaultRequestsMetric = "kube_client_requests_total"

    /// A client over libcurl (`CurlHTTP.HTTPClient`), or over `transport` when one is given (tests). Requests
    /// are counted as `requestsMetric` in `metrics` (the global metrics system by default).
    public init(
        configuration: KubeClientConfiguration, transport: (any KubeTransport)? = nil,
        requestsMetric: String = KubeClient.defaultRequestsMetric, metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.requestsMetric = requestsMetric
        self.metrics = metrics
        credentials = CredentialSource(auth: configuration.auth, server: configuration.server)
        connection = Connection(configuration: configuration, injected: transport)
        requests = Counter(label: requestsMetric, factory: metrics)
    }

    private init(sharing client: KubeClient, requestsMetric: String) {
        configuration = client.configuration
        credentials = client.credentials
        connection = client.connection
        metrics = client.metrics
        self.requestsMetric = requestsMetric
        requests = Counter(label: requestsMetric, factory: metrics)
    }

    /// A client from a kubeconfig (explicit path, else KUBECONFIG, else ~/.kube/config).
    public convenience init(kubeconfig path: String? = nil, context: String? = nil) throws(KubeConfigError) {
        self.init(configuration: try KubeConfigLoader.load(path: path, context: context))
    }

    /// The same client (connections and credentials shared) counting its requests under another label, so
    /// one part of a program (say, its reconciles) can be measured apart from the rest.
    public func countingRequests(as label: String) -> KubeClient {
        KubeClient(sharing: self, requestsMetric: label)
    }

    /// The namespace used when a namespaced call gives none.
    public var defaultNamespace: String { configuration.namespace }

    func httpRequest(_ request: KubeRequest, credential: CredentialSource.Credential, timeout: Duration? = nil)
        -> HTTPRequest
    {
        var headers = HTTPHeaders()
        headers.add("Accept", "application/json")
        if let contentType = request.contentType { headers.add("Content-Type", contentType) }
        if let token = credential.token { headers.add("Authorization", "Bearer \(token)") }
        return HTTPRequest(
            method: request.method, url: request.url(server: configuration.server), headers: headers,
            body: request.body, timeout: timeout)
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
                requests.increment()
                response = try await connection.transport(for: credential)
                    .send(httpRequest(request, credential: credential))
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
                try await sleep(
                    Backoff.exponential(attempt: attempt, base: .milliseconds(200), cap: configuration.maxRetryDelay))
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
            case 500...599:
                retry = retryAfter != nil || (idempotent && (response.status == 503 || response.status == 504))
            default: retry = false
            }
            guard retry, attempt < configuration.maxRetries else { throw error }
            attempt += 1
            let delay =
                retryAfter
                ?? Backoff.exponential(attempt: attempt, base: .milliseconds(500), cap: configuration.maxRetryDelay)
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

    /// The bytes a request body of `value` is sent as: sorted-key JSON, so equal values give equal bytes
    /// (what lets ``Applier`` skip an unchanged apply), and no `\/` escapes (server-side apply bodies are
    /// parsed as YAML, which rejects them).
    public func encodeBody(_ value: some Encodable, what: String) throws(KubeError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(value))
        } catch {
            throw .decoding(what: what, detail: "cannot encode: \(error)")
        }
    }

    func namespace(for resource: KubeResource, _ namespace: String?) -> String? {
        resource.namespaced ? (namespace ?? configuration.namespace) : nil
    }
}

extension KubeClient {
    /// The transport requests go through: an injected one, or libcurl clients rebuilt when an exec plugin
    /// hands out a new client certificate.
    final class Connection: Sendable {
        let configuration: KubeClientConfiguration
        let injected: (any KubeTransport)?
        private let curl: Mutex<(client: HTTPClient, certificate: [UInt8]?)>

        init(configuration: KubeClientConfiguration, injected: (any KubeTransport)?) {
            self.configuration = configuration
            self.injected = injected
            curl = Mutex((Self.makeHTTPClient(configuration, tls: configuration.tls), nil))
        }

        func transport(for credential: CredentialSource.Credential) -> any KubeTransport {
            if let injected { return injected }
            return curl.withLock { state in
                if let certificate = credential.clientCertificate, certificate != state.certificate {
                    var tls = configuration.tls
                    tls.clientCertificate = .data(certificate)
                    tls.clientKey = credential.clientKey.map { .data($0) }
                    state = (Self.makeHTTPClient(configuration, tls: tls), certificate)
                }
                return state.client
            }
        }

        private static func makeHTTPClient(_ configuration: KubeClientConfiguration, tls: TLSConfiguration)
            -> HTTPClient
        {
            HTTPClient(
                configuration: HTTPClientConfiguration(
                    tls: tls, connectTimeout: configuration.connectTimeout,
                    requestTimeout: configuration.requestTimeout, userAgent: configuration.userAgent))
        }
    }
}
