public import RelayCore

/// The client's answer to ServerHello: its public key in clear, then a box sealed from that key to the server key
/// holding `version ‖ flags ‖ challenge ‖ certificate` (docs/fallback-protocol.md §4). Opening the box proves the
/// client holds the private key; the challenge ties it to this one connection, so a recorded hello cannot be
/// replayed on another.
public struct ClientHello: Hashable, Sendable {
    /// The client's node key (the certificate's subject key).
    public var clientKey: PublicKey
    /// `nonce (24) ‖ tag (16) ‖ ciphertext`.
    public var sealed: [UInt8]

    /// Creates a hello from its wire parts.
    public init(clientKey: PublicKey, sealed: [UInt8]) {
        self.clientKey = clientKey
        self.sealed = sealed
    }

    /// What the box contains.
    public struct Content: Hashable, Sendable {
        /// Protocol version the client speaks.
        public var version: UInt8
        /// Option bits; bit 0: watch peers from the start.
        public var flags: UInt8
        /// The server's challenge, echoed.
        public var challenge: [UInt8]
        /// The client's encoded PRC1 node certificate.
        public var certificate: [UInt8]

        /// Bit 0 of `flags`: the client wants PeerPresent/PeerGone for every peer.
        public static let watchFlag: UInt8 = 0x01

        /// Creates the content.
        public init(version: UInt8 = FrameLimits.version, flags: UInt8 = 0, challenge: [UInt8], certificate: [UInt8]) {
            self.version = version
            self.flags = flags
            self.challenge = challenge
            self.certificate = certificate
        }
    }

    /// Seals `content` from `key` to `serverKey`. Nil if `serverKey` is a low-order point. `nonce` nil = random
    /// (set only for test vectors).
    public static func seal(
        _ content: Content, key: PrivateKey, serverKey: PublicKey, nonce: [UInt8]? = nil
    ) -> ClientHello? {
        guard let shared = key.sharedKey(with: serverKey) else { return nil }
        let plaintext = [content.version, content.flags] + content.challenge + content.certificate
        return ClientHello(clientKey: key.publicKey, sealed: shared.seal(plaintext, nonce: nonce))
    }

    /// Opens the box with the server's private key.
    /// - Throws: ``HelloError`` when the box does not open or its content is malformed.
    public func open(serverKey: PrivateKey) throws(HelloError) -> Content {
        guard let shared = serverKey.sharedKey(with: clientKey) else { throw .unopenable }
        let plaintext: [UInt8]
        do {
            plaintext = try shared.open(sealed)
        } catch {
            throw .unopenable
        }
        guard plaintext.count >= 2 + FrameLimits.challengeSize else { throw .truncated(plaintext.count) }
        return Content(
            version: plaintext[0], flags: plaintext[1], challenge: Array(plaintext[2..<34]),
            certificate: Array(plaintext[34...]))
    }
}

/// A ClientHello that cannot be used.
public enum HelloError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The box is not sealed from the claimed client key to this server's key.
    case unopenable
    /// The opened content is shorter than version, flags and challenge.
    case truncated(Int)

    public var description: String {
        switch self {
        case .unopenable:
            "the hello does not open with the claimed client key: the client does not hold that key's private half "
                + "or sealed to another server key"
        case .truncated(let count):
            "the opened hello has \(count) bytes, fewer than version, flags and challenge (34)"
        }
    }
}
