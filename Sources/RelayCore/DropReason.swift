/// Why a datagram was dropped or refused. Every drop is counted by reason (metric label `metricLabel`).
public enum DropReason: UInt8, Error, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Shorter than a Geneve header (8 bytes), or a control datagram too short to hold an envelope.
    case tooShort
    /// Geneve version/option length, C bit or reserved bits not zero.
    case badGeneveHeader
    /// Geneve protocol neither 0x7A11 nor 0x7A12.
    case unknownProtocol
    /// O (control) bit set on a WireGuard (0x7A12) datagram.
    case controlBitOnWireGuard
    /// Envelope magic wrong or envelope truncated.
    case malformedEnvelope
    /// The box did not open (wrong key, altered, or not for us).
    case undecryptable
    /// Plaintext version byte not 0.
    case unsupportedVersion
    /// Plaintext type byte unknown.
    case unknownMessageType
    /// Message body truncated or a field out of range.
    case malformedMessage
    /// A valid message that the receiver does not accept in this context (e.g. a Challenge sent to the relay).
    case unexpectedMessage
    /// Data or control on a VNI with no session.
    case unknownSession
    /// Sender key is not one of the session's two keys.
    case notSessionMember
    /// Bind/Answer from a side that has not sent its own Allocate.
    case notAllocated
    /// VNI inside the sealed body differs from the Geneve VNI.
    case vniMismatch
    /// Remote key in Bind/Answer is not the session's other key.
    case wrongRemoteKey
    /// Bind/Answer with generation 0.
    case zeroGeneration
    /// Answer whose generation is not the side's latest Bind generation.
    case generationMismatch
    /// Answer whose cookie does not match its fields and source address (or is too old).
    case badCookie
    /// Data on a session that is not bound on both sides.
    case sessionNotBound
    /// Data from an address that is not one of the session's bound addresses.
    case unboundSource
    /// Per-source rate limit exceeded.
    case rateLimited
    /// Allocation refused: global session cap reached.
    case capacityGlobal
    /// Allocation refused: per-node session cap reached.
    case capacityPerNode
    /// Allocation refused: the certificate did not verify.
    case certificateRejected

    /// Stable snake_case label for metrics.
    public var metricLabel: String {
        switch self {
        case .tooShort: "too_short"
        case .badGeneveHeader: "bad_geneve_header"
        case .unknownProtocol: "unknown_protocol"
        case .controlBitOnWireGuard: "control_bit_on_wireguard"
        case .malformedEnvelope: "malformed_envelope"
        case .undecryptable: "undecryptable"
        case .unsupportedVersion: "unsupported_version"
        case .unknownMessageType: "unknown_message_type"
        case .malformedMessage: "malformed_message"
        case .unexpectedMessage: "unexpected_message"
        case .unknownSession: "unknown_session"
        case .notSessionMember: "not_session_member"
        case .notAllocated: "not_allocated"
        case .vniMismatch: "vni_mismatch"
        case .wrongRemoteKey: "wrong_remote_key"
        case .zeroGeneration: "zero_generation"
        case .generationMismatch: "generation_mismatch"
        case .badCookie: "bad_cookie"
        case .sessionNotBound: "session_not_bound"
        case .unboundSource: "unbound_source"
        case .rateLimited: "rate_limited"
        case .capacityGlobal: "capacity_global"
        case .capacityPerNode: "capacity_per_node"
        case .certificateRejected: "certificate_rejected"
        }
    }

    public var description: String { metricLabel.replacing("_", with: " ") }
}
