public import RelayCore

/// Why a fallback server refused or ended a connection (Close frame byte 0, docs/fallback-protocol.md §3.14).
/// Codes 1–9 refuse admission, 16 and up end an admitted connection.
public enum CloseReason: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The ClientHello did not open with the client key, or its challenge is not this connection's (a replay).
    case authenticationFailed = 1
    /// The certificate is not a well-formed PRC1 certificate.
    case malformedCertificate = 2
    /// Signed by a CA this tailnet does not trust (or forged).
    case unknownCA = 3
    /// Issued for another tailnet.
    case wrongTailnet = 4
    /// Expired (or, after admission, expired while connected).
    case expired = 5
    /// Not valid yet.
    case notYetValid = 6
    /// Not a node certificate.
    case wrongRole = 7
    /// Revoked (or revoked while connected).
    case revoked = 8
    /// The certificate's key is not the key that sealed the hello.
    case keyMismatch = 9
    /// The client broke the protocol (malformed, oversized or unexpected frame).
    case protocolError = 16
    /// A newer connection authenticated with the same key.
    case replaced = 17
    /// The client sent nothing for too long.
    case idleTimeout = 18
    /// The server is shutting down or restarting; reconnect after the notice's delay.
    case shuttingDown = 19
    /// The handshake took too long.
    case handshakeTimeout = 20

    /// Maps a certificate refusal to its close reason.
    public init(_ error: CertificateError) {
        switch error {
        case .malformed: self = .malformedCertificate
        case .unknownCA, .badSignature: self = .unknownCA
        case .wrongTailnet: self = .wrongTailnet
        case .expired: self = .expired
        case .notYetValid: self = .notYetValid
        case .wrongRole: self = .wrongRole
        case .revoked: self = .revoked
        case .keyMismatch: self = .keyMismatch
        }
    }

    /// Whether a client should try again with the same certificate (after backoff).
    public var isRetryable: Bool {
        switch self {
        case .protocolError, .idleTimeout, .shuttingDown, .handshakeTimeout, .notYetValid: true
        default: false
        }
    }

    /// Prometheus label.
    public var metricLabel: String {
        switch self {
        case .authenticationFailed: "authentication_failed"
        case .malformedCertificate: "malformed_certificate"
        case .unknownCA: "unknown_ca"
        case .wrongTailnet: "wrong_tailnet"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .wrongRole: "wrong_role"
        case .revoked: "revoked"
        case .keyMismatch: "key_mismatch"
        case .protocolError: "protocol_error"
        case .replaced: "replaced"
        case .idleTimeout: "idle_timeout"
        case .shuttingDown: "shutting_down"
        case .handshakeTimeout: "handshake_timeout"
        }
    }

    public var description: String { String(metricLabel.map { $0 == "_" ? " " : $0 }) }
}
