extension CertificateVerifier {
    /// Whether a certificate admitted earlier still holds under this verifier at `now`: its CA key is still
    /// trusted, it has not expired and its serial is not revoked. Nil if it holds, else why not (the error's
    /// `relayErrorCode` is what the side is told). Cheap (a dictionary and a set lookup): relays call it for every
    /// distinct admitted certificate on each sweep and on every Bind.
    public func recheck(_ admitted: AdmittedCertificate, now: Timestamp) -> CertificateError? {
        guard trustedKeys[admitted.caKeyID] != nil else { return .unknownCA(admitted.caKeyID) }
        let seconds = now.unixSeconds
        guard seconds < admitted.notAfter else { return .expired(notAfter: admitted.notAfter, now: seconds) }
        guard !revokedSerials.contains(admitted.serial) else { return .revoked(serial: admitted.serial) }
        return nil
    }
}
