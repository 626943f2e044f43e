import CSodium

/// Stateless Bind cookies (PROTOCOL.md §6): keyed BLAKE2b-256 over
/// `VNI ‖ generation ‖ remote key ‖ sender key ‖ source address (16) ‖ port (2)`, with a secret that rotates every
/// `rotationInterval`; cookies under the previous secret are still accepted (so a cookie lives 2–4 minutes).
public struct BindCookieJar: Sendable {
    /// Default rotation interval.
    public static let defaultRotationInterval: Duration = .seconds(120)
    /// Bytes hashed per cookie.
    static let inputSize = 4 + 4 + 32 + 32 + 16 + 2

    /// How often the cookie secret rotates (cookies of the previous secret still verify).
    public let rotationInterval: Duration
    private var current: Bytes32
    private var previous: Bytes32?
    private var rotatedAt: Timestamp

    /// A jar with a random secret, rotating every `rotationInterval` counted from `now`.
    public init(now: Timestamp, rotationInterval: Duration = defaultRotationInterval) {
        self.init(secret: Sodium.randomBytes(32), now: now, rotationInterval: rotationInterval)
    }

    /// A jar with a fixed first secret (32 bytes), for test vectors.
    public init(secret: [UInt8], now: Timestamp, rotationInterval: Duration = defaultRotationInterval) {
        precondition(secret.count == 32, "a cookie secret is 32 bytes")
        precondition(rotationInterval > .zero, "rotation interval must be positive")
        self.current = secret.withUnsafeBytes { Bytes32($0)! }
        self.previous = nil
        self.rotatedAt = now
        self.rotationInterval = rotationInterval
    }

    /// Rotates the secret if an interval has passed: one interval → the current secret becomes the previous one;
    /// two or more → both are replaced (old cookies die).
    public mutating func rotateIfNeeded(now: Timestamp) {
        let elapsed = now - rotatedAt
        guard elapsed >= rotationInterval else { return }
        let fresh = Sodium.randomBytes(32).withUnsafeBytes { Bytes32($0)! }
        previous = elapsed >= rotationInterval * 2 ? nil : current
        current = fresh
        rotatedAt = now
    }

    /// The cookie for a Bind from `sender` at `source`.
    public mutating func cookie(
        vni: UInt32, generation: UInt32, remoteKey: PublicKey, senderKey: PublicKey, source: EndpointAddress,
        now: Timestamp
    ) -> BindCookie {
        rotateIfNeeded(now: now)
        return Self.compute(
            secret: current, vni: vni, generation: generation, remoteKey: remoteKey, senderKey: senderKey,
            source: source)
    }

    /// True if `cookie` matches the fields and source under the current or previous secret.
    public mutating func isValid(
        _ cookie: BindCookie, vni: UInt32, generation: UInt32, remoteKey: PublicKey, senderKey: PublicKey,
        source: EndpointAddress, now: Timestamp
    ) -> Bool {
        rotateIfNeeded(now: now)
        let expected = Self.compute(
            secret: current, vni: vni, generation: generation, remoteKey: remoteKey, senderKey: senderKey,
            source: source)
        if Self.equal(expected, cookie) { return true }
        guard let previous else { return false }
        let older = Self.compute(
            secret: previous, vni: vni, generation: generation, remoteKey: remoteKey, senderKey: senderKey,
            source: source)
        return Self.equal(older, cookie)
    }

    static func equal(_ a: BindCookie, _ b: BindCookie) -> Bool {
        a.storage.withUnsafeBytes { x in b.storage.withUnsafeBytes { y in Sodium.constantTimeEqual(x, y) } }
    }

    /// The MAC itself (no heap allocation).
    static func compute(
        secret: Bytes32, vni: UInt32, generation: UInt32, remoteKey: PublicKey, senderKey: PublicKey,
        source: EndpointAddress
    ) -> BindCookie {
        Sodium.ensureInitialized()
        return withUnsafeTemporaryAllocation(byteCount: inputSize, alignment: 8) { input in
            input.storeBytes(of: vni.bigEndian, toByteOffset: 0, as: UInt32.self)
            input.storeBytes(of: generation.bigEndian, toByteOffset: 4, as: UInt32.self)
            remoteKey.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[8..<40]).copyMemory(from: $0) }
            senderKey.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[40..<72]).copyMemory(from: $0) }
            source.withAddressBytes { UnsafeMutableRawBufferPointer(rebasing: input[72..<88]).copyMemory(from: $0) }
            input.storeBytes(of: source.port.bigEndian, toByteOffset: 88, as: UInt16.self)
            let mac = Bytes32.filled { out in
                secret.withUnsafeBytes { key in
                    _ = crypto_generichash(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), 32,
                        input.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(inputSize),
                        key.baseAddress!.assumingMemoryBound(to: UInt8.self), 32)
                }
            }
            return BindCookie(storage: mac)
        }
    }
}
