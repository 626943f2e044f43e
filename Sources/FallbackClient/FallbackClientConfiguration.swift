public import NIOCore
public import NIOSSL
public import RelayCore

/// How a fallback client connects and reconnects.
public struct FallbackClientConfiguration: Sendable {
    /// TLS settings for `https`/`wss` endpoints (trust roots, e.g. the coordinator's CA; default: the system's).
    public var tls: TLSConfiguration
    /// Longest wait for TCP (and TLS).
    public var connectTimeout: Duration
    /// Longest wait from connecting to admission (upgrade, hellos, Accepted).
    public var handshakeTimeout: Duration
    /// Data packets queued locally while the socket is busy; the oldest is dropped beyond this.
    public var sendQueueDepth: Int
    /// Events buffered for a slow consumer; the oldest are dropped beyond this.
    public var eventBufferSize: Int
    /// Ask for PeerPresent/PeerGone about every peer.
    public var watchPeers: Bool
    /// First reconnection delay (before jitter); doubles up to `reconnectMaximum`.
    public var reconnectInitial: Duration
    /// Largest reconnection delay (before jitter).
    public var reconnectMaximum: Duration
    /// When set, packets are handed to this closure on the connection's event loop instead of the event stream
    /// (the fast path for a forwarding agent: no per-packet task switch). It must not block.
    public var packetHandler: (@Sendable (_ source: PublicKey, _ payload: ByteBuffer, _ control: Bool) -> Void)?

    /// Creates a configuration.
    public init(
        tls: TLSConfiguration = .makeClientConfiguration(), connectTimeout: Duration = .seconds(10),
        handshakeTimeout: Duration = .seconds(10), sendQueueDepth: Int = 256, eventBufferSize: Int = 4096,
        watchPeers: Bool = false, reconnectInitial: Duration = .milliseconds(200),
        reconnectMaximum: Duration = .seconds(30)
    ) {
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.handshakeTimeout = handshakeTimeout
        self.sendQueueDepth = sendQueueDepth
        self.eventBufferSize = eventBufferSize
        self.watchPeers = watchPeers
        self.reconnectInitial = reconnectInitial
        self.reconnectMaximum = reconnectMaximum
    }

    /// A configuration trusting the PEM CA certificate(s) in `file` for TLS (a private CA or a self-signed
    /// server certificate).
    public static func trusting(caFile file: String) throws(FallbackClientError) -> FallbackClientConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
        } catch {
            throw .invalidEndpoint("cannot read the CA certificate file \(file): \(error)")
        }
        return FallbackClientConfiguration(tls: tls)
    }
}
