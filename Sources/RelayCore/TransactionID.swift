/// The 12-byte transaction id of an end-to-end Ping/Pong.
public struct TransactionID: Hashable, Sendable, CustomStringConvertible {
    /// Encoded size.
    public static let size = 12

    var high: UInt64
    var low: UInt32

    /// From exactly 12 bytes.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard array.count == Self.size else { return nil }
        high = array[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        low = array[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    init(high: UInt64, low: UInt32) {
        self.high = high
        self.low = low
    }

    /// A random id.
    public static func random() -> TransactionID {
        TransactionID(bytes: Sodium.randomBytes(size))!
    }

    /// The 12 bytes.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 12)
        writer.append(high)
        writer.append(low)
        return writer.bytes
    }

    public var description: String { Hex.encode(bytes) }
}
