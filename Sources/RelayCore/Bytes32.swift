/// 32 bytes stored inline (no heap): the storage behind keys and cookies.
/// The tuple holds the bytes in memory order; comparisons are byte-wise (big-endian word compare).
@usableFromInline
struct Bytes32: Sendable {
    @usableFromInline
    var words: (UInt64, UInt64, UInt64, UInt64)

    @inlinable
    static var zero: Bytes32 { Bytes32(words: (0, 0, 0, 0)) }

    @inlinable
    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Copies exactly 32 bytes; nil if `buffer.count != 32`.
    @inlinable
    init?(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count == 32 else { return nil }
        self.init(loading: buffer, at: 0)
    }

    /// Copies 32 bytes starting at `offset`; the caller guarantees `offset + 32 <= buffer.count`.
    @inlinable
    init(loading buffer: UnsafeRawBufferPointer, at offset: Int) {
        self.words = (
            buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
            buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self),
            buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self),
            buffer.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)
        )
    }

    /// Fills the 32 bytes through `body` (e.g. a libsodium call writing into the pointer).
    @inlinable
    static func filled(_ body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows -> Bytes32 {
        var value = Bytes32.zero
        try Swift.withUnsafeMutableBytes(of: &value.words) { try body($0) }
        return value
    }

    @inlinable
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words) { try body($0) }
    }

    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    var isZero: Bool { words.0 | words.1 | words.2 | words.3 == 0 }
}

extension Bytes32: Hashable {
    @inlinable
    static func == (lhs: Bytes32, rhs: Bytes32) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    @inlinable
    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

extension Bytes32: Comparable {
    @inlinable
    static func < (lhs: Bytes32, rhs: Bytes32) -> Bool {
        let l = (
            UInt64(bigEndian: lhs.words.0), UInt64(bigEndian: lhs.words.1), UInt64(bigEndian: lhs.words.2),
            UInt64(bigEndian: lhs.words.3)
        )
        let r = (
            UInt64(bigEndian: rhs.words.0), UInt64(bigEndian: rhs.words.1), UInt64(bigEndian: rhs.words.2),
            UInt64(bigEndian: rhs.words.3)
        )
        return l < r
    }
}
