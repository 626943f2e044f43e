import CSodium

/// Identifies a CA public key: the first 8 bytes of its unkeyed BLAKE2b-256 hash (PROTOCOL.md §1).
public struct CAKeyID: Hashable, Sendable, CustomStringConvertible {
    /// The 8 bytes as a big-endian integer.
    public let value: UInt64

    /// Wraps a big-endian key id value.
    public init(value: UInt64) {
        self.value = value
    }

    /// The 8 id bytes.
    public var bytes: [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    /// Lower-case hex of the 8 bytes, e.g. "3f0a9c1d22e4b701".
    public var description: String { Hex.encode(bytes) }

    /// Key id of a 32-byte CA public key.
    static func of(_ publicKey: UnsafeRawBufferPointer) -> CAKeyID {
        Sodium.ensureInitialized()
        var hash = [UInt8](repeating: 0, count: 32)
        hash.withUnsafeMutableBufferPointer { out in
            _ = crypto_generichash(
                out.baseAddress!, 32, publicKey.baseAddress!.assumingMemoryBound(to: UInt8.self),
                UInt64(publicKey.count), nil, 0)
        }
        let value = hash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return CAKeyID(value: value)
    }
}
