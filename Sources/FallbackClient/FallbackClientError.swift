public import Fallback

/// Why a fallback client could not connect, was refused, or lost its connection.
public enum FallbackClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The relay URL cannot be used.
    case invalidEndpoint(String)
    /// TCP or TLS could not be established.
    case connectFailed(String)
    /// The HTTP upgrade or WebSocket handshake was not accepted.
    case upgradeFailed(String)
    /// The server refused admission (certificate revoked, expired, foreign, ...). Not retried unless the reason is
    /// retryable: renew the certificate first.
    case refused(CloseNotice)
    /// An admitted connection was closed by the server (revoked while connected, replaced, shutting down, ...).
    case closedByServer(CloseNotice)
    /// The connection ended without a Close frame (network failure, server crash).
    case connectionLost(String)
    /// The server broke the protocol.
    case protocolViolation(ProtocolViolation)
    /// Nothing (or no admission) arrived in time.
    case timedOut(String)
    /// `send` while no connection is admitted.
    case notConnected
    /// A packet larger than the protocol allows.
    case packetTooLarge(Int)

    /// Whether reconnecting with the same identity can help.
    public var isRetryable: Bool {
        switch self {
        case .invalidEndpoint, .packetTooLarge: false
        case .refused(let notice), .closedByServer(let notice): notice.reason.isRetryable || notice.reason == .replaced
        default: true
        }
    }

    public var description: String {
        switch self {
        case .invalidEndpoint(let why): "invalid fallback relay endpoint: \(why)"
        case .connectFailed(let why): "cannot connect to the fallback relay: \(why); check the URL and that it runs"
        case .upgradeFailed(let why):
            "the fallback relay did not accept the upgrade: \(why); check the URL path (/fallback) and any proxy"
        case .refused(let notice): "the fallback relay refused this node (\(notice.reason)): \(notice.message)"
        case .closedByServer(let notice):
            "the fallback relay closed the connection (\(notice.reason)): \(notice.message)"
        case .connectionLost(let why): "the fallback connection was lost: \(why)"
        case .protocolViolation(let violation): "the fallback relay broke the protocol: \(violation)"
        case .timedOut(let what): "timed out: \(what)"
        case .notConnected: "not connected to the fallback relay; wait for the connection (it reconnects by itself)"
        case .packetTooLarge(let size):
            "packet of \(size) bytes exceeds the fallback limit of \(FrameLimits.maximumPacket) bytes"
        }
    }
}
