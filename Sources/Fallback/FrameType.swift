/// The type byte of a fallback frame (docs/fallback-protocol.md §2). `S→C` frames are sent by the server only,
/// `C→S` by the client only; the decoder refuses a frame travelling the wrong way.
public enum FrameType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// S→C, first frame: magic, version, server key, challenge.
    case serverHello = 0x01
    /// C→S, answer to the hello: client key and sealed (version, flags, challenge, certificate).
    case clientHello = 0x02
    /// S→C: admitted; keepalive interval and rate limit.
    case accepted = 0x03
    /// C→S: destination key and a data packet.
    case sendPacket = 0x04
    /// S→C: source key and a data packet.
    case recvPacket = 0x05
    /// C→S: destination key and a control packet (prioritised, answered with PeerGone when the peer is absent).
    case sendControl = 0x06
    /// S→C: source key and a control packet.
    case recvControl = 0x07
    /// S→C: nothing to say, the connection is alive.
    case keepAlive = 0x08
    /// Either way: 8 opaque bytes to echo.
    case ping = 0x09
    /// Either way: the 8 bytes of a ping.
    case pong = 0x0A
    /// S→C: a peer is not (or no longer) connected.
    case peerGone = 0x0B
    /// S→C (watchers): a peer connected.
    case peerPresent = 0x0C
    /// C→S: send me PeerPresent/PeerGone for every peer.
    case watchPeers = 0x0D
    /// S→C, last frame: why the server closes the connection.
    case close = 0x0E

    /// Whether servers send this type (clients never may).
    public var isServerToClient: Bool {
        switch self {
        case .serverHello, .accepted, .recvPacket, .recvControl, .keepAlive, .peerGone, .peerPresent, .close: true
        case .ping, .pong: true
        case .clientHello, .sendPacket, .sendControl, .watchPeers: false
        }
    }

    /// Whether clients send this type.
    public var isClientToServer: Bool {
        switch self {
        case .clientHello, .sendPacket, .sendControl, .watchPeers, .ping, .pong: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .serverHello: "ServerHello"
        case .clientHello: "ClientHello"
        case .accepted: "Accepted"
        case .sendPacket: "SendPacket"
        case .recvPacket: "RecvPacket"
        case .sendControl: "SendControl"
        case .recvControl: "RecvControl"
        case .keepAlive: "KeepAlive"
        case .ping: "Ping"
        case .pong: "Pong"
        case .peerGone: "PeerGone"
        case .peerPresent: "PeerPresent"
        case .watchPeers: "WatchPeers"
        case .close: "Close"
        }
    }
}
