public import RelayCore

/// The server's admission decision for one ClientHello (docs/fallback-protocol.md §4): the box opens with the
/// claimed key, carries this connection's challenge and a supported version, and the certificate verifies as a
/// node certificate of this tailnet sealed by that key. Pure: the caller supplies keys, verifier and time.
public enum Admission {
    /// An admitted client.
    public struct Admitted: Sendable, Hashable {
        /// The verified node certificate.
        public var certificate: TailnetCertificate
        /// The hello's option flags.
        public var flags: UInt8

        /// Whether the client asked to watch peers.
        public var watches: Bool { flags & ClientHello.Content.watchFlag != 0 }
    }

    /// Decides on `hello`, answering a ServerHello that carried `challenge`.
    /// - Returns: the admitted client, or the Close notice to send before closing.
    public static func decide(
        hello: ClientHello, challenge: [UInt8], serverKey: PrivateKey, verifier: CertificateVerifier, now: Timestamp
    ) -> Result<Admitted, CloseNotice> {
        let content: ClientHello.Content
        do {
            content = try hello.open(serverKey: serverKey)
        } catch {
            return .failure(CloseNotice(reason: .authenticationFailed, message: "\(error)"))
        }
        guard constantTimeEqual(content.challenge, challenge) else {
            return .failure(
                CloseNotice(
                    reason: .authenticationFailed,
                    message: "the hello answers another connection's challenge (a replay); "
                        + "answer the ServerHello of this connection"))
        }
        guard content.version == FrameLimits.version else {
            return .failure(
                CloseNotice(
                    reason: .authenticationFailed,
                    message: "client speaks version \(content.version), this server speaks \(FrameLimits.version); "
                        + "upgrade the older side"))
        }
        do {
            let certificate = try verifier.verify(
                encoded: content.certificate, role: .node, sealedBy: hello.clientKey, now: now)
            return .success(Admitted(certificate: certificate, flags: content.flags))
        } catch {
            return .failure(CloseNotice(reason: CloseReason(error), message: "\(error)"))
        }
    }

    /// Whether an admitted certificate must now be disconnected: revoked, expired, or its CA no longer trusted
    /// (RelayCore's `CertificateVerifier.recheck`, the check relays make on their sessions).
    public static func recheck(_ certificate: TailnetCertificate, verifier: CertificateVerifier, now: Timestamp)
        -> CloseNotice?
    {
        verifier.recheck(AdmittedCertificate(certificate), now: now).map {
            CloseNotice(reason: CloseReason($0), message: "\($0)")
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
