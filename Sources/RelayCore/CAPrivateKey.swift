import CSodium

/// A tailnet CA's Ed25519 signing key. Text form: base64 of the 32-byte seed.
public struct CAPrivateKey: Sendable {
    /// Length of the seed in bytes.
    public static let seedByteCount = 32

    let seed: Bytes32
    /// libsodium's 64-byte secret key (seed ‖ public key).
    let secretKey: [UInt8]
    /// The matching public key.
    public let publicKey: CAPublicKey

    /// Creates the key from its 32-byte seed.
    public init(seed bytes: some Collection<UInt8>) throws(KeyError) {
        let array = Array(bytes)
        guard let seed = array.withUnsafeBytes({ Bytes32($0) }) else {
            throw .wrongLength(kind: "Ed25519 CA seed", expected: Self.seedByteCount, actual: array.count)
        }
        self.init(seed: seed)
    }

    init(seed: Bytes32) {
        Sodium.ensureInitialized()
        var secret = [UInt8](repeating: 0, count: 64)
        var pub = Bytes32.zero
        seed.withUnsafeBytes { s in
            Swift.withUnsafeMutableBytes(of: &pub.words) { p in
                secret.withUnsafeMutableBufferPointer { sk in
                    _ = crypto_sign_seed_keypair(
                        p.baseAddress!.assumingMemoryBound(to: UInt8.self), sk.baseAddress!,
                        s.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        self.seed = seed
        self.secretKey = secret
        self.publicKey = CAPublicKey(storage: pub)
    }

    /// A fresh random CA key.
    public static func generate() -> CAPrivateKey {
        let random = Sodium.randomBytes(seedByteCount)
        return CAPrivateKey(seed: random.withUnsafeBytes { Bytes32($0)! })
    }

    /// Parses the base64 text form; nil if it is not base64 of exactly 32 bytes.
    public init?(base64: some StringProtocol) {
        guard let bytes = Sodium.decodeBase64(base64), let key = try? CAPrivateKey(seed: bytes) else { return nil }
        self = key
    }

    /// Base64 text form of the seed (keep it in a 0600 file; see `KeyFile`).
    public var base64: String { seed.withUnsafeBytes { Sodium.base64($0) } }

    /// The CA key id (of the public key).
    public var keyID: CAKeyID { publicKey.keyID }

    /// Ed25519 detached signature (64 bytes) over `message`.
    public func sign(_ message: some Collection<UInt8>) -> [UInt8] {
        let msg = Array(message)
        var signature = [UInt8](repeating: 0, count: CAPublicKey.signatureByteCount)
        signature.withUnsafeMutableBufferPointer { sig in
            msg.withUnsafeBufferPointer { m in
                secretKey.withUnsafeBufferPointer { sk in
                    _ = crypto_sign_detached(sig.baseAddress!, nil, m.baseAddress, UInt64(m.count), sk.baseAddress!)
                }
            }
        }
        return signature
    }
}

extension CAPrivateKey: CustomStringConvertible {
    /// Never prints the secret.
    public var description: String { "CAPrivateKey(\(keyID))" }
}

extension CAPrivateKey: Base64Key {
    public static var textForm: String { "a base64 Ed25519 CA seed (32 bytes)" }
}
