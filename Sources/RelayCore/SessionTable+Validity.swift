extension SessionTable {
    /// Rechecks the certificate every session side was admitted with against the current trusted CA keys,
    /// revocations and `now`. Sessions with a side that no longer holds are removed at once (no datagram is
    /// forwarded on them afterwards) and returned with the sealed Errors to send to their bound sides.
    ///
    /// Costs one lookup per distinct admitted certificate when nothing changed; removals scan the sessions once.
    /// Call it after every trust change (`reconfigure` does) and when the clock passes `nextCertificateExpiry`.
    public mutating func revalidate(now: Timestamp) -> [SessionEnd] {
        let verifier = self.verifier
        let invalid = subjects.invalidHandles { verifier.recheck($0, now: now) }
        guard !invalid.isEmpty else { return [] }
        var ended: [(vni: UInt32, invalid: [PublicKey: CertificateError])] = []
        for session in sessions.values {
            var reasons: [PublicKey: CertificateError] = [:]
            for side in [session.sides.0, session.sides.1] where side.isAllocated {
                if let error = invalid[side.subject] { reasons[side.key] = error }
            }
            if !reasons.isEmpty { ended.append((session.vni, reasons)) }
        }
        return ended.map { end(vni: $0.vni, invalid: $0.invalid) }
    }

    /// When the earliest admitted certificate expires (revalidate then); nil when no side is admitted.
    public var nextCertificateExpiry: Timestamp? {
        subjects.earliestNotAfter.map { Timestamp(unixSeconds: $0) }
    }

    /// Removes the session and seals one Error for each of its bound sides.
    private mutating func end(vni: UInt32, invalid: [PublicKey: CertificateError]) -> SessionEnd {
        guard let session = sessions[vni] else { return SessionEnd(vni: vni, invalid: invalid, notices: []) }
        let header = GeneveHeader(isControl: true, protocolType: .control, vni: vni)
        var notices: [OutboundDatagram] = []
        for index in 0..<2 {
            let side = session[side: index]
            guard let key = side.sharedKey, let address = side.bound else { continue }
            let code: RelayErrorCode
            let detail: String
            if let error = invalid[side.key] {
                code = error.relayErrorCode
                detail = "session \(vni) ended: \(error.description)"
            } else {
                let peerError = invalid[session[side: 1 - index].key]
                code = .unknownSession
                detail =
                    "session \(vni) ended: the peer's certificate no longer holds ("
                    + (peerError.map { $0.relayErrorCode.description } ?? "refused") + ")"
            }
            let bytes = sealedError(
                code, detail: detail, generation: side.boundGeneration, header: header, key: key,
                limit: Self.bindDatagramSize)
            notices.append(OutboundDatagram(bytes: bytes, destination: address))
        }
        removeSession(vni: vni)
        // One count per session, by the first reason in verification order (unknown CA, expired, revoked).
        let reasons = invalid.values.map(\.relayErrorCode)
        if reasons.contains(.unknownCA) {
            counters.sessionsEndedUntrustedCA &+= 1
        } else if reasons.contains(.expiredCertificate) {
            counters.sessionsEndedExpired &+= 1
        } else {
            counters.sessionsEndedRevoked &+= 1
        }
        counters.sessionEndNotices &+= UInt64(notices.count)
        return SessionEnd(vni: vni, invalid: invalid, notices: notices)
    }

    /// Size of a Bind datagram: a bound side proved its address with one, so an unprompted Error to it is no larger.
    static let bindDatagramSize = GeneveHeader.size + SealedEnvelope.overhead + 2 + BindMessage.bodySize
}
