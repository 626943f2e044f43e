/// Timeouts and retry bounds of a `RelayClient`. Every request is retried at most `attempts` times, each waiting
/// at most `timeout`, so no call blocks longer than `attempts × timeout`.
public struct RelayClientConfiguration: Sendable {
    /// Local address to bind the client's UDP socket to.
    public var localHost: String = "0.0.0.0"
    /// Local port (0 picks a free one).
    public var localPort: Int = 0
    /// Wait per attempt for a reply from the relay (AllocateResponse, Challenge) or the peer (Pong).
    public var timeout: Duration = .seconds(1)
    /// Tries per request.
    public var attempts: Int = 3
    /// Payloads buffered per session before the oldest are dropped when nobody reads them.
    public var receiveBufferLimit: Int = 4096

    /// Creates a configuration (any local port, 1 s per attempt, 3 attempts).
    public init(
        localHost: String = "0.0.0.0", localPort: Int = 0, timeout: Duration = .seconds(1), attempts: Int = 3
    ) {
        self.localHost = localHost
        self.localPort = localPort
        self.timeout = timeout
        self.attempts = attempts
    }
}
