/// A session the relay removed because the certificate of one side (or both) no longer holds: its CA key was
/// removed from the trusted list, its serial was revoked, or it expired (PROTOCOL.md §6, "Session end").
public struct SessionEnd: Sendable, Hashable {
    /// The removed session.
    public let vni: UInt32
    /// The sides whose certificates no longer hold, and why.
    public let invalid: [PublicKey: CertificateError]
    /// One sealed Error for each bound side, to send unprompted: a side in `invalid` gets its certificate's code
    /// (`revoked`, `expiredCertificate`, `unknownCA`), the other side `unknownSession`. Each is no larger than a
    /// Bind datagram (the side proved its address with one).
    public let notices: [OutboundDatagram]

    /// Creates a session end.
    public init(vni: UInt32, invalid: [PublicKey: CertificateError], notices: [OutboundDatagram]) {
        self.vni = vni
        self.invalid = invalid
        self.notices = notices
    }
}
