extension TailnetCertificate {
    static let pemBegin = "-----BEGIN PEERRELAY CERTIFICATE-----"
    static let pemEnd = "-----END PEERRELAY CERTIFICATE-----"

    /// Text armor: the BEGIN line, base64 of `encoded()` in 64-character lines, the END line, a final newline.
    public var pemEncoded: String {
        let text = Sodium.base64(encoded())
        var lines = [Self.pemBegin]
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 64, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[index..<end]))
            index = end
        }
        lines.append(Self.pemEnd)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the first armored certificate in `pem` (text around the BEGIN/END lines is ignored).
    public init(pem: String) throws(CertificateError) {
        let lines = pem.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map {
            $0.trimmingSpaces
        }
        guard let begin = lines.firstIndex(of: Self.pemBegin) else {
            throw .malformed("no \(Self.pemBegin) line; expected a PeerRelay certificate file")
        }
        guard let end = lines[begin...].firstIndex(of: Self.pemEnd) else {
            throw .malformed("no \(Self.pemEnd) line after BEGIN; the file is truncated")
        }
        let body = lines[(begin + 1)..<end].joined()
        guard let bytes = Sodium.decodeBase64(body) else {
            throw .malformed("the text between BEGIN and END lines is not base64")
        }
        try self.init(decoding: bytes)
    }
}

extension Substring {
    var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
