/// The 32-byte challenge cookie carried by Bind (zeros), Challenge and Answer. Stored inline.
public struct BindCookie: Hashable, Sendable, CustomStringConvertible {
    /// Encoded size.
    public static let size = 32

    var storage: Bytes32

    init(storage: Bytes32) {
        self.storage = storage
    }

    /// All zeros: the value a Bind carries.
    public static let zero = BindCookie(storage: .zero)

    /// From exactly 32 bytes.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard let storage = array.withUnsafeBytes({ Bytes32($0) }) else { return nil }
        self.storage = storage
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { storage.bytes }

    /// True if all bytes are zero.
    public var isZero: Bool { storage.isZero }

    public var description: String { "cookie:" + Hex.encode(bytes.prefix(4)) }
}
