import Interchange
import RelayCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `relayctl cert show` prints, as text or JSON.
struct CertificateSummary: Encodable {
    var role: String
    var serial: String
    var tailnet: String
    var subjectID: String
    var subjectName: String
    var subjectKey: String
    var tags: [String]
    var notBefore: String
    var notAfter: String
    var notBeforeUnix: Int64
    var notAfterUnix: Int64
    var caKeyID: String
    /// "valid", "expired" or "notYetValid" by the clock (60 s skew allowed before notBefore).
    var status: String
    /// "ok" / "failed" when checked against a CA, absent otherwise.
    var verification: String?
    var verificationError: String?
    var encodedSize: Int

    init(_ certificate: TailnetCertificate, now: Timestamp, verification: String?, verificationError: CertificateError?)
    {
        role = certificate.role.description
        serial = String(certificate.serial)
        tailnet = certificate.tailnetID
        subjectID = certificate.subjectID
        subjectName = certificate.subjectName
        subjectKey = certificate.subjectKey.base64
        tags = certificate.tags
        notBefore = formatTime(certificate.notBefore)
        notAfter = formatTime(certificate.notAfter)
        notBeforeUnix = certificate.notBefore
        notAfterUnix = certificate.notAfter
        caKeyID = certificate.caKeyID.description
        let seconds = now.unixSeconds
        status =
            seconds >= certificate.notAfter
            ? "expired" : seconds < certificate.notBefore - CertificateVerifier.clockSkew ? "notYetValid" : "valid"
        self.verification = verification
        self.verificationError = verificationError?.description
        encodedSize = certificate.encoded().count
    }

    var text: String {
        var lines = [
            "role:         \(role)",
            "subject:      \(subjectName) (id \(subjectID))",
            "tailnet:      \(tailnet)",
            "key:          \(subjectKey)",
            "serial:       \(serial)",
            "valid:        \(notBefore) .. \(notAfter)  [\(status)]",
            "CA key id:    \(caKeyID)",
            "tags:         \(tags.isEmpty ? "-" : tags.joined(separator: ", "))",
            "size:         \(encodedSize) bytes",
        ]
        if let verification {
            lines.append("verification: \(verification)" + (verificationError.map { ": \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Unix seconds as UTC RFC 3339, e.g. "2026-11-25T08:00:00Z".
func formatTime(_ unixSeconds: Int64) -> String {
    RFC3339Time(unixSeconds: unixSeconds).description
}
