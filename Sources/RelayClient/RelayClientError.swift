public import RelayCore

/// Why a relay operation failed, with what to do about it.
public enum RelayClientError: Error, Sendable, CustomStringConvertible {
    /// No reply to `step` from the relay at `relay` after `attempts` tries of `timeout` each.
    case timeout(step: String, relay: String, attempts: Int, timeout: Duration)
    /// The relay answered `step` with a sealed Error (`code` is the raw wire code, see `RelayErrorCode`).
    case refused(step: String, code: UInt16, message: String)
    /// The peer never answered end-to-end pings through the relay.
    case peerUnreachable(vni: UInt32, attempts: Int, timeout: Duration)
    /// A socket could not be opened, bound or written.
    case socket(String)
    /// A reply arrived that does not fit the request (a relay bug or a different protocol version).
    case protocolViolation(String)
    /// The client's own identity or inputs are unusable.
    case invalidInput(String)
    /// The client was closed while the operation was in flight.
    case closed

    /// The relay's error code, when the relay refused.
    public var relayErrorCode: RelayErrorCode? {
        if case .refused(_, let code, _) = self { return RelayErrorCode(rawValue: code) }
        return nil
    }

    public var description: String {
        switch self {
        case .timeout(let step, let relay, let attempts, let timeout):
            "no reply from the relay at \(relay) to \(step) after \(attempts) attempt(s) of \(timeout) each; check "
                + "that relay-server runs there, that its UDP port is reachable, and that the relay public key is "
                + "the relay's (a relay silently drops boxes it cannot open)"
        case .refused(let step, let code, let message):
            "the relay refused \(step) with error \(code) "
                + (RelayErrorCode(rawValue: code).map { "(\($0.name)): \($0.description)" } ?? "(unknown code)")
                + (message.isEmpty ? "" : "; relay says: \(message)")
        case .peerUnreachable(let vni, let attempts, let timeout):
            "the peer did not answer \(attempts) ping(s) on session VNI \(vni) within \(timeout) each: both sides "
                + "must have allocated and bound; check that the peer runs and that the relay forwards (its metrics "
                + "count dropped datagrams by reason)"
        case .socket(let what):
            "socket error: \(what)"
        case .protocolViolation(let what):
            "unexpected reply from the relay: \(what); the relay may speak another protocol version"
        case .invalidInput(let what):
            what
        case .closed:
            "the relay client was closed while the operation was in flight"
        }
    }
}

extension RelayErrorCode {
    /// Stable lower-camel-case name of the code, e.g. "wrongTailnet" (for JSON and logs).
    public var name: String {
        switch self {
        case .malformedCertificate: "malformedCertificate"
        case .unknownCA: "unknownCA"
        case .wrongTailnet: "wrongTailnet"
        case .expiredCertificate: "expiredCertificate"
        case .certificateNotYetValid: "certificateNotYetValid"
        case .wrongRole: "wrongRole"
        case .revoked: "revoked"
        case .keyMismatch: "keyMismatch"
        case .capacityGlobal: "capacityGlobal"
        case .capacityPerNode: "capacityPerNode"
        case .rateLimited: "rateLimited"
        case .unknownSession: "unknownSession"
        case .notSessionMember: "notSessionMember"
        }
    }
}
