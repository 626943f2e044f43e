/// The 5-byte header in front of every frame: type, then payload length (u32, big-endian).
public struct FrameHeader: Hashable, Sendable {
    /// The raw type byte (may be unknown: validation happens in `validate`).
    public var type: UInt8
    /// Payload length in bytes.
    public var length: Int

    /// Creates a header.
    public init(type: UInt8, length: Int) {
        self.type = type
        self.length = length
    }

    /// Reads a header from the first 5 bytes of `buffer`; nil if fewer are available.
    public init?(peeking buffer: UnsafeRawBufferPointer) {
        guard buffer.count >= FrameLimits.headerSize else { return nil }
        type = buffer[0]
        length = Int(UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
    }

    /// The 5 header bytes.
    public var bytes: [UInt8] {
        let length = UInt32(truncatingIfNeeded: length)
        return [
            type, UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
            UInt8(truncatingIfNeeded: length),
        ]
    }

    /// Checks the header as soon as it arrives, before any payload is buffered: known type, travelling towards
    /// `receiver`, length within `limit` and plausible for the type.
    public func validate(receiver: Side, limit: Int = FrameLimits.maximumPayload) throws(ProtocolViolation) -> FrameType
    {
        guard length <= limit else { throw .oversized(type: type, length: length, limit: limit) }
        guard let frameType = FrameType(rawValue: type) else { throw .unknownType(type) }
        let allowed = receiver == .server ? frameType.isClientToServer : frameType.isServerToClient
        guard allowed else { throw .wrongDirection(frameType) }
        guard Self.lengthFits(frameType, length) else { throw .badLength(frameType, length: length) }
        return frameType
    }

    /// Whether a payload of `length` bytes is possible for `type`.
    public static func lengthFits(_ type: FrameType, _ length: Int) -> Bool {
        switch type {
        case .serverHello: length == 4 + 1 + 32 + FrameLimits.challengeSize
        case .clientHello: length >= 32 + 40 + 2 + FrameLimits.challengeSize && length <= FrameLimits.maximumClientHello
        case .accepted: length == 20
        case .sendPacket, .recvPacket, .sendControl, .recvControl: length >= 32
        case .keepAlive, .watchPeers: length == 0
        case .ping, .pong: length == 8
        case .peerGone: length == 33
        case .peerPresent: length == 32
        case .close: length >= 5 && length <= 5 + FrameLimits.maximumCloseMessage
        }
    }
}

/// Which end of a connection is reading.
public enum Side: Sendable, Hashable {
    case server
    case client
}
