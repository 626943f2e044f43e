import Fallback
public import RelayCore

/// How a fallback server treats its clients (docs/fallback.md lists the defaults and why).
public struct FallbackServerConfiguration: Sendable {
    /// Region name this server advertises (netmap, logs, `/debug/fallback`).
    public var region: String
    /// Data packets queued per client before the oldest is dropped.
    public var dataQueueDepth: Int
    /// Control frames queued per client (PeerGone, PeerPresent, Pong, KeepAlive, control packets).
    public var controlQueueDepth: Int
    /// The server sends a KeepAlive this often.
    public var keepaliveInterval: Duration
    /// A client that sends nothing (not even a Ping) for this long is closed.
    public var idleTimeout: Duration
    /// A client whose socket accepts no bytes for this long while frames wait is closed.
    public var writeTimeout: Duration
    /// Time allowed from accepting the connection to a valid ClientHello.
    public var handshakeTimeout: Duration
    /// Per-client receive budget (bytes per second, burst bytes); nil: unlimited.
    public var rateLimit: RateLimit?
    /// How often certificates of connected clients are re-checked for expiry.
    public var recheckInterval: Duration
    /// URL path that the HTTP upgrade and the WebSocket handshake use.
    public var path: String

    /// Creates a configuration with the documented defaults.
    public init(
        region: String = "default", dataQueueDepth: Int = 64, controlQueueDepth: Int = 64,
        keepaliveInterval: Duration = .seconds(60), idleTimeout: Duration = .seconds(150),
        writeTimeout: Duration = .seconds(5), handshakeTimeout: Duration = .seconds(10), rateLimit: RateLimit? = nil,
        recheckInterval: Duration = .seconds(5), path: String = "/fallback"
    ) {
        self.region = region
        self.dataQueueDepth = dataQueueDepth
        self.controlQueueDepth = controlQueueDepth
        self.keepaliveInterval = keepaliveInterval
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.handshakeTimeout = handshakeTimeout
        self.rateLimit = rateLimit
        self.recheckInterval = recheckInterval
        self.path = path
    }

    /// What the Accepted frame tells clients.
    var acceptedParameters: AcceptedParameters {
        AcceptedParameters(
            keepaliveMillis: UInt32(
                clamping: keepaliveInterval.components.seconds * 1000
                    + keepaliveInterval.components.attoseconds / 1_000_000_000_000_000),
            rateBytesPerSecond: rateLimit.map { UInt64($0.perSecond) } ?? 0,
            rateBurstBytes: rateLimit.map { UInt64($0.burst) } ?? 0)
    }
}
