public import Fallback
public import NIOCore

/// Cuts a fallback byte stream into whole frames (header and payload in one `ByteBuffer`), checking each header as
/// soon as its 5 bytes arrive, so an oversized or unknown frame is refused before its payload is buffered. Until
/// the first frame has passed, the limit is the handshake limit (a ClientHello or ServerHello, about 1 KiB).
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    private let receiver: Side
    private var limit: Int

    /// A decoder for the `receiver` end. `handshake` false skips the small first-frame limit (framing without a
    /// handshake, as the benchmark's direct baseline does).
    public init(receiver: Side, handshake: Bool = true) {
        self.receiver = receiver
        self.limit = handshake ? FrameLimits.maximumClientHello : FrameLimits.maximumPayload
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        _ = try FrameHeader(type: type, length: Int(length)).validate(receiver: receiver, limit: limit)
        guard let frame = buffer.readSlice(length: FrameLimits.headerSize + Int(length)) else { return nil }
        limit = FrameLimits.maximumPayload
        return frame
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }
}

extension ByteBuffer {
    /// The frame type of a frame buffer produced by ``FrameDecoder`` (validated there).
    public var fallbackFrameType: FrameType {
        FrameType(rawValue: getInteger(at: readerIndex, as: UInt8.self) ?? 0) ?? .keepAlive
    }

    /// Decodes a whole frame buffer into a ``Frame`` (for the handshake and control frames).
    public func decodeFallbackFrame() throws(ProtocolViolation) -> Frame {
        let type = fallbackFrameType
        let result = withUnsafeReadableBytes { bytes in
            Result { () throws(ProtocolViolation) -> Frame in
                try Frame(type: type, payload: UnsafeRawBufferPointer(rebasing: bytes[FrameLimits.headerSize...]))
            }
        }
        return try result.get()
    }

    /// Appends `frame` encoded.
    public mutating func writeFallbackFrame(_ frame: Frame) {
        writeBytes(frame.encoded())
    }
}
