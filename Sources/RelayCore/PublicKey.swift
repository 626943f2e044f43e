import CSodium

/// An X25519 public key (node or relay identity), 32 bytes stored inline.
/// Ordering is byte-wise lexicographic, the order used to key sessions by a sorted pair.
public struct PublicKey: Hashable, Comparable, Sendable {
    /// Length of a public key in bytes.
    public static let byteCount = 32

    @usableFromInline
    var storage: Bytes32

    @inlinable
    init(storage: Bytes32) {
        self.storage = storage
    }

    /// Creates a key from exactly 32 bytes.
    public init(bytes: some Collection<UInt8>) throws(KeyError) {
        let array = Array(bytes)
        guard let storage = array.withUnsafeBytes({ Bytes32($0) }) else {
            throw .wrongLength(kind: "X25519 public key", expected: Self.byteCount, actual: array.count)
        }
        self.storage = storage
    }

    /// Loads a key from `buffer[offset ..< offset + 32]`; the caller guarantees the range is in bounds.
    @inlinable
    public init(loading buffer: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset + 32 <= buffer.count, "PublicKey load out of bounds")
        self.storage = Bytes32(loading: buffer, at: offset)
    }

    /// Parses the base64 text form; nil if it is not base64 of exactly 32 bytes.
    public init?(base64: some StringProtocol) {
        guard let bytes = Sodium.decodeBase64(base64), let key = try? PublicKey(bytes: bytes) else { return nil }
        self = key
    }

    /// The 32 key bytes.
    public var bytes: [UInt8] { storage.bytes }

    /// Standard base64 text form (44 characters).
    public var base64: String { storage.withUnsafeBytes { Sodium.base64($0) } }

    /// Short form for logs and tables: "k:" and the first 4 bytes in hex, e.g. "k:1bd615a9".
    public var shortDescription: String {
        "k:" + storage.withUnsafeBytes { Hex.encode(UnsafeRawBufferPointer(rebasing: $0[0..<4])) }
    }

    /// Calls `body` with the 32 key bytes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    @inlinable
    public static func < (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.storage < rhs.storage }
}

extension PublicKey: CustomStringConvertible {
    public var description: String { shortDescription }
}

extension PublicKey: Codable {
    public init(from decoder: any Decoder) throws { try self.init(base64From: decoder) }

    public func encode(to encoder: any Encoder) throws { try encodeBase64(to: encoder) }
}

extension PublicKey: Base64Key {
    public static var textForm: String { "a base64 X25519 public key (32 bytes)" }
}
