import CSodium

/// A tailnet CA's Ed25519 public key. Relays trust a list of these (several during rotation).
public struct CAPublicKey: Hashable, Sendable {
    /// Length of an Ed25519 public key in bytes.
    public static let byteCount = 32
    /// Length of an Ed25519 signature in bytes.
    public static let signatureByteCount = 64

    var storage: Bytes32
    /// First 8 bytes of BLAKE2b-256 of the key; certificates name their issuer by it.
    public let keyID: CAKeyID

    init(storage: Bytes32) {
        self.storage = storage
        self.keyID = storage.withUnsafeBytes { CAKeyID.of($0) }
    }

    /// Creates a key from exactly 32 bytes.
    public init(bytes: some Collection<UInt8>) throws(KeyError) {
        let array = Array(bytes)
        guard let storage = array.withUnsafeBytes({ Bytes32($0) }) else {
            throw .wrongLength(kind: "Ed25519 CA public key", expected: Self.byteCount, actual: array.count)
        }
        self.init(storage: storage)
    }

    /// Parses the base64 text form; nil if it is not base64 of exactly 32 bytes.
    public init?(base64: some StringProtocol) {
        guard let bytes = Sodium.decodeBase64(base64), let key = try? CAPublicKey(bytes: bytes) else { return nil }
        self = key
    }

    /// The 32 key bytes.
    public var bytes: [UInt8] { storage.bytes }

    /// Standard base64 text form.
    public var base64: String { storage.withUnsafeBytes { Sodium.base64($0) } }

    /// True if `signature` (64 bytes) is this key's Ed25519 signature over `message`.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        Sodium.ensureInitialized()
        let sig = Array(signature)
        let msg = Array(message)
        guard sig.count == Self.signatureByteCount else { return false }
        return storage.withUnsafeBytes { key in
            sig.withUnsafeBufferPointer { s in
                msg.withUnsafeBufferPointer { m in
                    crypto_sign_verify_detached(
                        s.baseAddress!, m.baseAddress, UInt64(m.count),
                        key.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
                }
            }
        }
    }
}

extension CAPublicKey: CustomStringConvertible {
    public var description: String { "CA key \(keyID)" }
}

extension CAPublicKey: Codable {
    public init(from decoder: any Decoder) throws { try self.init(base64From: decoder) }

    public func encode(to encoder: any Encoder) throws { try encodeBase64(to: encoder) }
}

extension CAPublicKey: Base64Key {
    public static var textForm: String { "a base64 Ed25519 CA public key (32 bytes)" }
}
