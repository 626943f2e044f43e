/// What the coordinator asks its CA to sign: one node or relay certificate (PROTOCOL.md §2).
struct CertificateOrder: Sendable, Equatable {
    /// Certificate role.
    enum Role: String, Sendable {
        case node
        case relay
    }

    var role: Role
    var subjectKey: [UInt8]
    var subjectID: String
    var subjectName: String
    var tags: [String]
    var serial: UInt64
    /// Unix seconds the certificate becomes valid.
    var now: Int64
    /// Lifetime in seconds.
    var validFor: Int64
}
