/// Splits a received byte stream into frames without NIO (clients, tests and tools feed it what they read).
/// The first violation poisons the decoder: a protocol error ends the connection.
public struct FrameStreamDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var failed: ProtocolViolation?
    /// Who is reading: decides which frame directions are legal.
    public let receiver: Side
    /// Largest payload accepted; lower it (e.g. to the hello size) before admission.
    public var limit: Int

    /// Creates a decoder for `receiver`.
    public init(receiver: Side, limit: Int = FrameLimits.maximumPayload) {
        self.receiver = receiver
        self.limit = limit
    }

    /// Appends received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, nil if more bytes are needed.
    /// - Throws: the violation that ended the stream (again on every later call).
    public mutating func next() throws(ProtocolViolation) -> Frame? {
        if let failed { throw failed }
        let available = buffer.count - start
        let result = buffer.withUnsafeBytes { all in
            Result { () throws(ProtocolViolation) -> (Frame, Int)? in
                let window = UnsafeRawBufferPointer(rebasing: all[start...])
                guard let header = FrameHeader(peeking: window) else { return nil }
                let type = try header.validate(receiver: receiver, limit: limit)
                guard available >= FrameLimits.headerSize + header.length else { return nil }
                let payload = UnsafeRawBufferPointer(
                    rebasing: window[FrameLimits.headerSize..<FrameLimits.headerSize + header.length])
                return (try Frame(type: type, payload: payload), FrameLimits.headerSize + header.length)
            }
        }
        do {
            guard let (frame, consumed) = try result.get() else { return nil }
            start += consumed
            return frame
        } catch {
            failed = error
            throw error
        }
    }

    /// Bytes received but not yet returned as frames.
    public var pendingByteCount: Int { buffer.count - start }
}
