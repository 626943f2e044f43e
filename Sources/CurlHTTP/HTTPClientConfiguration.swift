/// Where TLS material comes from: inline PEM bytes or a file path.
public enum PEMSource: Sendable, Equatable {
    case data([UInt8])
    case file(String)
}

/// TLS settings of a client.
public struct TLSConfiguration: Sendable, Equatable {
    /// Trusted CA certificates (PEM). `nil` uses the system store.
    public var certificateAuthority: PEMSource?
    /// Client certificate (PEM) for mutual TLS.
    public var clientCertificate: PEMSource?
    /// Private key (PEM) of the client certificate.
    public var clientKey: PEMSource?
    /// Skip verification of the server's certificate and host name. For tests and debugging only.
    public var insecureSkipVerify: Bool

    /// Creates TLS settings; by default the system's CA store verifies the server and no client certificate is sent.
    public init(
        certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil, clientKey: PEMSource? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// Settings shared by every request of one `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// TLS trust and client certificate.
    public var tls: TLSConfiguration
    /// Sent as `Authorization: Bearer <token>` unless the request sets its own Authorization header.
    public var bearerToken: String?
    /// Longest wait for the TCP (and TLS) connection to be established.
    public var connectTimeout: Duration
    /// Total time for a non-streaming request; streaming requests are unbounded unless they set one.
    public var requestTimeout: Duration
    /// Offer HTTP/2 (ALPN on TLS); falls back to HTTP/1.1 when the server does not take it.
    public var preferHTTP2: Bool
    /// Ask for gzip/deflate/br responses and decode them transparently.
    public var acceptCompressed: Bool
    /// The `User-Agent` header sent with every request.
    public var userAgent: String
    /// Idle connections (easy handles) kept for reuse.
    public var maxIdleConnections: Int
    /// Body chunks buffered for a streaming response before the transfer waits for the reader.
    public var streamBufferChunks: Int

    /// Creates client settings (defaults: 10 s connect, 60 s total, HTTP/2 preferred, 8 idle connections).
    public init(
        tls: TLSConfiguration = TLSConfiguration(), bearerToken: String? = nil, connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(60), preferHTTP2: Bool = true, acceptCompressed: Bool = false,
        userAgent: String = "peerrelay", maxIdleConnections: Int = 8, streamBufferChunks: Int = 64
    ) {
        self.tls = tls
        self.bearerToken = bearerToken
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.preferHTTP2 = preferHTTP2
        self.acceptCompressed = acceptCompressed
        self.userAgent = userAgent
        self.maxIdleConnections = maxIdleConnections
        self.streamBufferChunks = streamBufferChunks
    }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
