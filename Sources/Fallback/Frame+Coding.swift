import RelayCore

extension Frame {
    /// The complete frame: header then payload.
    public func encoded() -> [UInt8] {
        let payload = encodedPayload()
        return FrameHeader(type: type.rawValue, length: payload.count).bytes + payload
    }

    /// The payload bytes (without the header).
    public func encodedPayload() -> [UInt8] {
        switch self {
        case .serverHello(let hello):
            return FrameLimits.magic + [hello.version] + hello.serverKey.bytes + hello.challenge
        case .clientHello(let hello):
            return hello.clientKey.bytes + hello.sealed
        case .accepted(let parameters):
            return Self.bigEndian(parameters.keepaliveMillis) + Self.bigEndian(parameters.rateBytesPerSecond)
                + Self.bigEndian(parameters.rateBurstBytes)
        case .send(let key, let payload, _), .receive(let key, let payload, _):
            return key.bytes + payload
        case .keepAlive, .watchPeers:
            return []
        case .ping(let value), .pong(let value):
            return Self.bigEndian(value)
        case .peerGone(let key, let reason):
            return key.bytes + [reason.rawValue]
        case .peerPresent(let key):
            return key.bytes
        case .close(let notice):
            var message = Array(notice.message.utf8)
            if message.count > FrameLimits.maximumCloseMessage {
                message = Array(message.prefix(FrameLimits.maximumCloseMessage))
                // Never cut inside a UTF-8 sequence: drop a trailing sequence that is incomplete.
                var start = message.count - 1
                while start > 0, message[start] & 0xC0 == 0x80 { start -= 1 }
                let lead = message[start]
                let expected = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                if message.count - start < expected { message.removeLast(message.count - start) }
            }
            return [notice.reason.rawValue] + Self.bigEndian(notice.retryAfterMillis) + message
        }
    }

    /// Decodes one frame's payload whose header `validate` already accepted.
    /// - Throws: ``ProtocolViolation/badField(_:_:)`` for a bad magic, version, reason or text.
    public init(type: FrameType, payload: UnsafeRawBufferPointer) throws(ProtocolViolation) {
        guard FrameHeader.lengthFits(type, payload.count) else { throw .badLength(type, length: payload.count) }
        func key(at offset: Int) -> PublicKey { PublicKey(loading: payload, at: offset) }
        func rest(from offset: Int) -> [UInt8] { Array(UnsafeRawBufferPointer(rebasing: payload[offset...])) }
        switch type {
        case .serverHello:
            guard Array(payload[0..<4]) == FrameLimits.magic else {
                throw .badField(type, "magic is not \"PRFB\": this is not a PeerRelay fallback server")
            }
            guard payload[4] == FrameLimits.version else {
                throw .badField(type, "server speaks version \(payload[4]), this client speaks \(FrameLimits.version)")
            }
            self = .serverHello(ServerHello(version: payload[4], serverKey: key(at: 5), challenge: rest(from: 37)))
        case .clientHello:
            self = .clientHello(ClientHello(clientKey: key(at: 0), sealed: rest(from: 32)))
        case .accepted:
            self = .accepted(
                AcceptedParameters(
                    keepaliveMillis: Self.load(payload, 0), rateBytesPerSecond: Self.load(payload, 4),
                    rateBurstBytes: Self.load(payload, 12)))
        case .sendPacket, .sendControl:
            self = .send(to: key(at: 0), payload: rest(from: 32), control: type == .sendControl)
        case .recvPacket, .recvControl:
            self = .receive(from: key(at: 0), payload: rest(from: 32), control: type == .recvControl)
        case .keepAlive:
            self = .keepAlive
        case .watchPeers:
            self = .watchPeers
        case .ping:
            self = .ping(Self.load(payload, 0))
        case .pong:
            self = .pong(Self.load(payload, 0))
        case .peerGone:
            guard let reason = PeerGoneReason(rawValue: payload[32]) else {
                throw .badField(type, "unknown reason \(payload[32])")
            }
            self = .peerGone(key(at: 0), reason)
        case .peerPresent:
            self = .peerPresent(key(at: 0))
        case .close:
            guard let reason = CloseReason(rawValue: payload[0]) else {
                throw .badField(type, "unknown close reason \(payload[0])")
            }
            guard let message = String(validating: rest(from: 5), as: UTF8.self) else {
                throw .badField(type, "message is not UTF-8")
            }
            self = .close(CloseNotice(reason: reason, retryAfterMillis: Self.load(payload, 1), message: message))
        }
    }

    /// Decodes one complete frame (header and payload, nothing else) received by `receiver`.
    public init(decoding bytes: [UInt8], receiver: Side) throws(ProtocolViolation) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ProtocolViolation) -> Frame in
                guard let header = FrameHeader(peeking: buffer) else {
                    throw .badLength(.keepAlive, length: buffer.count)
                }
                let type = try header.validate(receiver: receiver)
                guard buffer.count == FrameLimits.headerSize + header.length else {
                    throw .badLength(type, length: buffer.count - FrameLimits.headerSize)
                }
                return try Frame(
                    type: type, payload: UnsafeRawBufferPointer(rebasing: buffer[FrameLimits.headerSize...]))
            }
        }
        self = try result.get()
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func load<T: FixedWidthInteger>(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
