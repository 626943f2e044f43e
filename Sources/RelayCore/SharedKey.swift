import CSodium

/// A precomputed `crypto_box` key between one private key and one peer public key (XSalsa20-Poly1305).
/// Sealed form everywhere in PeerRelay: `nonce (24) ‖ tag (16) ‖ ciphertext`.
public struct SharedKey: Sendable {
    /// Nonce length in bytes.
    public static let nonceByteCount = 24
    /// Authentication tag length in bytes.
    public static let tagByteCount = 16
    /// Bytes a sealed form adds to the plaintext: nonce and tag.
    public static let overhead = nonceByteCount + tagByteCount

    var storage: Bytes32

    init?(privateKey: PrivateKey, peer: PublicKey) {
        Sodium.ensureInitialized()
        var ok = false
        let key = Bytes32.filled { out in
            privateKey.storage.withUnsafeBytes { secret in
                peer.withUnsafeBytes { pub in
                    ok =
                        crypto_box_beforenm(
                            out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            pub.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            secret.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
                }
            }
        }
        guard ok else { return nil }
        self.storage = key
    }

    /// Seals `plaintext`, returning `nonce ‖ tag ‖ ciphertext`. `nonce` must be 24 bytes; nil picks a random one
    /// (always do that outside test vectors: a nonce must never repeat under one key).
    public func seal(_ plaintext: [UInt8], nonce: [UInt8]? = nil) -> [UInt8] {
        let nonceBytes = nonce ?? Sodium.randomBytes(Self.nonceByteCount)
        precondition(nonceBytes.count == Self.nonceByteCount, "a crypto_box nonce is 24 bytes")
        var out = [UInt8](repeating: 0, count: Self.overhead + plaintext.count)
        out.replaceSubrange(0..<Self.nonceByteCount, with: nonceBytes)
        out.withUnsafeMutableBufferPointer { output in
            plaintext.withUnsafeBufferPointer { input in
                storage.withUnsafeBytes { key in
                    _ = crypto_box_easy_afternm(
                        output.baseAddress! + Self.nonceByteCount, input.baseAddress, UInt64(input.count),
                        output.baseAddress!, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        return out
    }

    /// Opens `nonce ‖ tag ‖ ciphertext`; throws if it is too short or fails authentication.
    public func open(_ sealed: UnsafeRawBufferPointer) throws(SealError) -> [UInt8] {
        guard sealed.count >= Self.overhead else { throw .tooShort(sealed.count) }
        let plainCount = sealed.count - Self.overhead
        var out = [UInt8](repeating: 0, count: plainCount)
        let ok = out.withUnsafeMutableBufferPointer { output in
            storage.withUnsafeBytes { key in
                let base = sealed.baseAddress!.assumingMemoryBound(to: UInt8.self)
                // crypto_box_open_easy_afternm needs a non-null output pointer even for empty plaintext.
                var scratch: UInt8 = 0
                return withUnsafeMutablePointer(to: &scratch) { scratchPointer in
                    crypto_box_open_easy_afternm(
                        output.baseAddress ?? scratchPointer, base + Self.nonceByteCount,
                        UInt64(sealed.count - Self.nonceByteCount), base,
                        key.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
                }
            }
        }
        guard ok else { throw .authenticationFailed }
        return out
    }

    /// Opens `nonce ‖ tag ‖ ciphertext`; throws if it is too short or fails authentication.
    public func open(_ sealed: [UInt8]) throws(SealError) -> [UInt8] {
        let result = sealed.withUnsafeBytes { buffer in
            Result { () throws(SealError) -> [UInt8] in try open(buffer) }
        }
        return try result.get()
    }
}

/// A sealed box could not be opened.
public enum SealError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shorter than nonce and tag.
    case tooShort(Int)
    /// Wrong key, or the bytes were altered in transit.
    case authenticationFailed

    public var description: String {
        switch self {
        case .tooShort(let count):
            "sealed box is \(count) bytes, shorter than nonce and tag (40 bytes); the datagram was truncated"
        case .authenticationFailed:
            "sealed box failed authentication: sealed for a different key, or altered in transit"
        }
    }
}
