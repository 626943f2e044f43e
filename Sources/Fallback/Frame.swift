public import RelayCore

/// One decoded fallback frame (docs/fallback-protocol.md §3). The server's packet path does not build these (it
/// rewrites frames in place); they serve the handshake, control frames, clients and tests.
public enum Frame: Hashable, Sendable {
    case serverHello(ServerHello)
    case clientHello(ClientHello)
    case accepted(AcceptedParameters)
    /// A packet for `to` (SendPacket when `control` is false, SendControl when true).
    case send(to: PublicKey, payload: [UInt8], control: Bool)
    /// A packet from `from` (RecvPacket / RecvControl).
    case receive(from: PublicKey, payload: [UInt8], control: Bool)
    case keepAlive
    case ping(UInt64)
    case pong(UInt64)
    case peerGone(PublicKey, PeerGoneReason)
    case peerPresent(PublicKey)
    case watchPeers
    case close(CloseNotice)

    /// The frame's type byte.
    public var type: FrameType {
        switch self {
        case .serverHello: .serverHello
        case .clientHello: .clientHello
        case .accepted: .accepted
        case .send(_, _, let control): control ? .sendControl : .sendPacket
        case .receive(_, _, let control): control ? .recvControl : .recvPacket
        case .keepAlive: .keepAlive
        case .ping: .ping
        case .pong: .pong
        case .peerGone: .peerGone
        case .peerPresent: .peerPresent
        case .watchPeers: .watchPeers
        case .close: .close
        }
    }
}

/// Why a PeerGone frame was sent.
public enum PeerGoneReason: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// The peer was connected and left.
    case disconnected = 0
    /// A packet was addressed to a key that is not connected to this server.
    case notHere = 1

    public var description: String {
        switch self {
        case .disconnected: "disconnected"
        case .notHere: "not connected here"
        }
    }
}

/// What the server grants an admitted client (the Accepted frame).
public struct AcceptedParameters: Hashable, Sendable {
    /// The server sends a KeepAlive at least this often; a client that hears nothing for 2× this reconnects.
    public var keepaliveMillis: UInt32
    /// Sustained receive budget per client in bytes per second (0: unlimited).
    public var rateBytesPerSecond: UInt64
    /// Burst budget in bytes.
    public var rateBurstBytes: UInt64

    /// Creates parameters.
    public init(keepaliveMillis: UInt32, rateBytesPerSecond: UInt64, rateBurstBytes: UInt64) {
        self.keepaliveMillis = keepaliveMillis
        self.rateBytesPerSecond = rateBytesPerSecond
        self.rateBurstBytes = rateBurstBytes
    }
}

/// The content of a Close frame.
public struct CloseNotice: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the server closes.
    public var reason: CloseReason
    /// When non-zero, the client should reconnect after this many milliseconds (e.g. a restart).
    public var retryAfterMillis: UInt32
    /// Human-readable detail (at most 1 KiB of UTF-8; longer text is cut).
    public var message: String

    /// Creates a notice.
    public init(reason: CloseReason, retryAfterMillis: UInt32 = 0, message: String) {
        self.reason = reason
        self.retryAfterMillis = retryAfterMillis
        self.message = message
    }

    public var description: String { "\(reason): \(message)" }
}
