/// The sealed envelope that follows the Geneve header of a control datagram (PROTOCOL.md §4):
/// `"PRLY" ‖ sender key (32) ‖ nonce (24) ‖ tag (16) ‖ ciphertext`.
public struct SealedEnvelope: Hashable, Sendable {
    @usableFromInline
    static let magic: UInt32 = 0x5052_4C59
    /// Bytes before the nonce: magic and sender key.
    public static let prefixSize = 36
    /// Bytes the envelope adds to a plaintext: magic, key, nonce, tag.
    public static let overhead = prefixSize + SharedKey.overhead
    /// Smallest plaintext: type and version.
    public static let minimumPlaintext = 2
    /// Smallest valid envelope.
    public static let minimumSize = overhead + minimumPlaintext

    /// The key that sealed the box.
    public var sender: PublicKey
    /// `nonce ‖ tag ‖ ciphertext`.
    public var sealed: [UInt8]

    /// Parses an envelope (the bytes after the Geneve header). Does not open the box.
    public init(parsing envelope: UnsafeRawBufferPointer) throws(DropReason) {
        self.sender = try Self.peekSender(envelope)
        self.sealed = Array(UnsafeRawBufferPointer(rebasing: envelope[Self.prefixSize...]))
    }

    /// Checks magic and length and returns the sender key, without allocating.
    @inlinable
    public static func peekSender(_ envelope: UnsafeRawBufferPointer) throws(DropReason) -> PublicKey {
        guard envelope.count >= minimumSize else {
            throw envelope.count >= 4 && envelope.loadUnaligned(as: UInt32.self) != magic.bigEndian
                ? .malformedEnvelope : .tooShort
        }
        guard UInt32(bigEndian: envelope.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) == magic else {
            throw .malformedEnvelope
        }
        return PublicKey(loading: envelope, at: 4)
    }

    /// Opens the box with the shared key between the receiver and `sender`.
    public func open(with key: SharedKey) throws(DropReason) -> [UInt8] {
        do {
            return try key.open(sealed)
        } catch {
            throw .undecryptable
        }
    }

    /// Seals `plaintext` from `sender` with `key`: returns the complete envelope bytes. `nonce` nil = random.
    public static func seal(_ plaintext: [UInt8], sender: PublicKey, key: SharedKey, nonce: [UInt8]? = nil)
        -> [UInt8]
    {
        var writer = ByteWriter(capacity: overhead + plaintext.count)
        writer.append(magic)
        writer.append(sender.storage)
        writer.append(contentsOf: key.seal(plaintext, nonce: nonce))
        return writer.bytes
    }
}
