public import RelayCore

/// The server's first frame: protocol magic and version, the server's X25519 key for this process, and a fresh
/// random challenge the client must seal back (docs/fallback-protocol.md §4).
public struct ServerHello: Hashable, Sendable {
    /// Protocol version the server speaks.
    public var version: UInt8
    /// The server's public key; the client seals its hello to it.
    public var serverKey: PublicKey
    /// 32 random bytes, new for every connection.
    public var challenge: [UInt8]

    /// Creates a hello. `challenge` must be 32 bytes.
    public init(version: UInt8 = FrameLimits.version, serverKey: PublicKey, challenge: [UInt8]) {
        precondition(challenge.count == FrameLimits.challengeSize, "a challenge is 32 bytes")
        self.version = version
        self.serverKey = serverKey
        self.challenge = challenge
    }

    /// A hello with a fresh random challenge.
    public static func fresh(serverKey: PublicKey) -> ServerHello {
        ServerHello(serverKey: serverKey, challenge: Sodium.randomBytes(FrameLimits.challengeSize))
    }
}
