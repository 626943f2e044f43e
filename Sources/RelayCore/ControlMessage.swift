/// A message inside a sealed envelope (PROTOCOL.md §5). Plaintext: `type (1) ‖ version (1) = 0 ‖ body`.
public enum ControlMessage: Hashable, Sendable {
    case ping(PingMessage)
    case pong(PongMessage)
    case allocate(AllocateMessage)
    case allocateResponse(AllocateResponseMessage)
    case bind(BindMessage)
    case challenge(BindMessage)
    case answer(BindMessage)
    case error(RelayErrorMessage)
    case callMeMaybe(CallMeMaybeMessage)

    /// Wire type byte.
    public enum MessageType: UInt8, Sendable, Hashable, CaseIterable {
        case ping = 0x01
        case pong = 0x02
        case allocate = 0x03
        case allocateResponse = 0x04
        case bind = 0x05
        case challenge = 0x06
        case answer = 0x07
        case error = 0x08
        case callMeMaybe = 0x09
    }

    /// Protocol version carried in every plaintext.
    public static let version: UInt8 = 0

    /// The message's type byte.
    public var type: MessageType {
        switch self {
        case .ping: .ping
        case .pong: .pong
        case .allocate: .allocate
        case .allocateResponse: .allocateResponse
        case .bind: .bind
        case .challenge: .challenge
        case .answer: .answer
        case .error: .error
        case .callMeMaybe: .callMeMaybe
        }
    }
}

/// End-to-end Ping (client → client through the relay, O = 0): txid then any padding (zeros).
public struct PingMessage: Hashable, Sendable {
    /// Transaction id the Pong echoes.
    public var transactionID: TransactionID
    /// Zero bytes appended (path-MTU probing).
    public var paddingLength: Int

    /// Creates a Ping.
    public init(transactionID: TransactionID, paddingLength: Int = 0) {
        self.transactionID = transactionID
        self.paddingLength = paddingLength
    }
}

/// End-to-end Pong: echoes the Ping's txid and reports the address the Ping came from.
public struct PongMessage: Hashable, Sendable {
    /// The Ping's transaction id.
    public var transactionID: TransactionID
    /// The address the Ping came from, as the answering client saw it.
    public var observedSource: EndpointAddress

    /// Creates a Pong.
    public init(transactionID: TransactionID, observedSource: EndpointAddress) {
        self.transactionID = transactionID
        self.observedSource = observedSource
    }
}

/// CallMeMaybe (node → node, end to end, usually through the fallback relay): "I am pinging all your endpoints now,
/// ping me back on these" — both sides punch at once.
public struct CallMeMaybeMessage: Hashable, Sendable {
    /// Most endpoints one message carries.
    public static let maximumEndpoints = 32

    /// The sender's direct endpoints (own addresses and reflexive addresses).
    public var endpoints: [EndpointAddress]

    /// Creates the message; endpoints beyond ``maximumEndpoints`` are dropped.
    public init(endpoints: [EndpointAddress]) {
        self.endpoints = Array(endpoints.prefix(Self.maximumEndpoints))
    }
}

/// Allocate (client → relay, VNI 0): ask for the session with `peerKey`, proving membership with a node certificate.
public struct AllocateMessage: Hashable, Sendable {
    /// Random per request; the reply echoes it.
    public var generation: UInt32
    /// The other client of the session.
    public var peerKey: PublicKey
    /// Encoded `PRC1` certificate (kept raw so that a malformed certificate can be answered with an Error).
    public var certificate: [UInt8]
    /// Zero bytes appended after the certificate.
    public var paddingLength: Int

    /// Creates an Allocate carrying an encoded certificate.
    public init(generation: UInt32, peerKey: PublicKey, certificate: [UInt8], paddingLength: Int = 0) {
        self.generation = generation
        self.peerKey = peerKey
        self.certificate = certificate
        self.paddingLength = paddingLength
    }

    /// Creates an Allocate carrying `certificate`, encoded.
    public init(generation: UInt32, peerKey: PublicKey, certificate: TailnetCertificate, paddingLength: Int = 0) {
        self.init(
            generation: generation, peerKey: peerKey, certificate: certificate.encoded(), paddingLength: paddingLength)
    }
}

/// AllocateResponse (relay → client, VNI 0).
public struct AllocateResponseMessage: Hashable, Sendable {
    /// Largest endpoint count (u8 on the wire).
    public static let maximumEndpoints = 255

    /// The Allocate's generation.
    public var generation: UInt32
    /// The session's VNI (1 to 2^24 − 1).
    public var vni: UInt32
    /// Time both sides have to bind.
    public var bindTimeoutMilliseconds: UInt32
    /// Time a bound session may stay idle.
    public var idleTimeoutSeconds: UInt32
    /// Relay endpoints to bind at, in order of preference.
    public var endpoints: [EndpointAddress]

    /// Creates an AllocateResponse.
    public init(
        generation: UInt32, vni: UInt32, bindTimeoutMilliseconds: UInt32, idleTimeoutSeconds: UInt32,
        endpoints: [EndpointAddress]
    ) {
        self.generation = generation
        self.vni = vni
        self.bindTimeoutMilliseconds = bindTimeoutMilliseconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.endpoints = endpoints
    }
}

/// Body shared by Bind, Challenge and Answer (72 bytes).
public struct BindMessage: Hashable, Sendable {
    /// Encoded body size.
    public static let bodySize = 72

    /// The session.
    public var vni: UInt32
    /// Random per Bind; Challenge and Answer echo it.
    public var generation: UInt32
    /// The other client's key.
    public var remoteKey: PublicKey
    /// Zeros in Bind, the cookie in Challenge and Answer.
    public var cookie: BindCookie

    /// Creates a body.
    public init(vni: UInt32, generation: UInt32, remoteKey: PublicKey, cookie: BindCookie = .zero) {
        self.vni = vni
        self.generation = generation
        self.remoteKey = remoteKey
        self.cookie = cookie
    }
}

/// Error (relay → client): an actionable refusal.
public struct RelayErrorMessage: Hashable, Sendable {
    /// Largest message text in UTF-8 bytes (u8 length).
    public static let maximumMessageLength = 255
    /// Body bytes before the text.
    public static let fixedSize = 7

    /// Raw code (see `code` for known values).
    public var rawCode: UInt16
    /// Generation of the request this answers (0 if it had none).
    public var generation: UInt32
    /// What is wrong and what to do, in words (at most ``maximumMessageLength`` bytes).
    public var message: String

    /// Creates an Error with a known code (its default text unless `message` is given).
    public init(code: RelayErrorCode, generation: UInt32, message: String? = nil) {
        self.init(rawCode: code.rawValue, generation: generation, message: message ?? code.description)
    }

    /// Creates an Error with a raw code, e.g. one decoded from the wire.
    public init(rawCode: UInt16, generation: UInt32, message: String) {
        self.rawCode = rawCode
        self.generation = generation
        self.message = Self.truncated(message, toUTF8Count: Self.maximumMessageLength)
    }

    /// The known code, nil for codes newer than this build.
    public var code: RelayErrorCode? { RelayErrorCode(rawValue: rawCode) }

    /// `text` cut to at most `limit` UTF-8 bytes on a character boundary.
    static func truncated(_ text: String, toUTF8Count limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var count = 0
        for character in text {
            let size = character.utf8.count
            guard count + size <= limit else { break }
            result.append(character)
            count += size
        }
        return result
    }
}
