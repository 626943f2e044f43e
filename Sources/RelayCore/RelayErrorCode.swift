/// Error codes a relay answers with (PROTOCOL.md §5).
public enum RelayErrorCode: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case malformedCertificate = 1
    case unknownCA = 2
    case wrongTailnet = 3
    case expiredCertificate = 4
    case certificateNotYetValid = 5
    case wrongRole = 6
    case revoked = 7
    case keyMismatch = 8
    case capacityGlobal = 9
    case capacityPerNode = 10
    case rateLimited = 11
    case unknownSession = 12
    case notSessionMember = 13

    /// What it means for the user and what to do.
    public var description: String {
        switch self {
        case .malformedCertificate: "the relay could not parse the node certificate; fetch a fresh one"
        case .unknownCA: "the relay does not trust the CA that signed the node certificate; check the relay's CA keys"
        case .wrongTailnet: "the node certificate belongs to another tailnet than this relay's"
        case .expiredCertificate: "the node certificate has expired; renew it from the coordinator"
        case .certificateNotYetValid: "the node certificate is not valid yet; check the clocks"
        case .wrongRole: "the certificate is not a node certificate"
        case .revoked: "the node certificate is revoked; obtain a new one"
        case .keyMismatch: "the certificate is for another key than the one that sealed the request"
        case .capacityGlobal: "the relay is at its session limit; try another relay or raise maxSessions"
        case .capacityPerNode: "this node has too many sessions on the relay; raise maxSessionsPerNode"
        case .rateLimited: "too many requests from this address; retry later"
        case .unknownSession: "the relay has no such session (expired or relay restarted); allocate again"
        case .notSessionMember: "this key has not allocated the session; send Allocate first"
        }
    }
}
