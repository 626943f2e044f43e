#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import RelayCore

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

    init(_ certificate: TailnetCertificate, now: Timestamp, verification: String?, verificationError: CertificateError?) {
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

/// Unix seconds as UTC ISO 8601, e.g. "2026-11-25T08:00:00Z".
func formatTime(_ unixSeconds: Int64) -> String {
    var time = time_t(unixSeconds)
    var parts = tm()
    guard gmtime_r(&time, &parts) != nil else { return String(unixSeconds) }
    func pad(_ value: Int32, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
        + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
}
