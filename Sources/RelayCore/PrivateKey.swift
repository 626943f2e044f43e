import CSodium

/// An X25519 private key (node or relay identity). Text form: base64 of the 32-byte secret scalar.
public struct PrivateKey: Sendable {
    /// Length of a private key in bytes.
    public static let byteCount = 32

    var storage: Bytes32
    /// The matching public key.
    public let publicKey: PublicKey

    /// Creates a key from its 32 secret bytes.
    public init(bytes: some Collection<UInt8>) throws(KeyError) {
        let array = Array(bytes)
        guard let storage = array.withUnsafeBytes({ Bytes32($0) }) else {
            throw .wrongLength(kind: "X25519 private key", expected: Self.byteCount, actual: array.count)
        }
        self.init(storage: storage)
    }

    init(storage: Bytes32) {
        Sodium.ensureInitialized()
        self.storage = storage
        let pub = Bytes32.filled { out in
            storage.withUnsafeBytes { secret in
                _ = crypto_scalarmult_base(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    secret.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        self.publicKey = PublicKey(storage: pub)
    }

    /// A fresh random key pair (`crypto_box_keypair`).
    public static func generate() -> PrivateKey {
        Sodium.ensureInitialized()
        var secret = Bytes32.zero
        var pub = Bytes32.zero
        Swift.withUnsafeMutableBytes(of: &secret.words) { s in
            Swift.withUnsafeMutableBytes(of: &pub.words) { p in
                _ = crypto_box_keypair(
                    p.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return PrivateKey(storage: secret)
    }

    /// Parses the base64 text form; nil if it is not base64 of exactly 32 bytes.
    public init?(base64: some StringProtocol) {
        guard let bytes = Sodium.decodeBase64(base64), let key = try? PrivateKey(bytes: bytes) else { return nil }
        self = key
    }

    /// Base64 text form of the secret (keep it in a 0600 file; see `KeyFile`).
    public var base64: String { storage.withUnsafeBytes { Sodium.base64($0) } }

    /// The 32 secret bytes.
    public var bytes: [UInt8] { storage.bytes }

    /// Precomputes the shared key with `peer` (`crypto_box_beforenm`). Nil if `peer` is a low-order point
    /// (an all-zero shared secret), which no honest peer produces.
    public func sharedKey(with peer: PublicKey) -> SharedKey? {
        SharedKey(privateKey: self, peer: peer)
    }
}

extension PrivateKey: CustomStringConvertible {
    /// Never prints the secret.
    public var description: String { "PrivateKey(public: \(publicKey.shortDescription))" }
}

extension PrivateKey: Base64Key {
    public static var textForm: String { "a base64 X25519 private key (32 bytes)" }
}
