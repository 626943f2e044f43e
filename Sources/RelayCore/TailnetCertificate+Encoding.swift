extension TailnetCertificate {
    /// The signed portion: every byte before the signature.
    public func signedBytes() throws(CertificateError) -> [UInt8] {
        try Self.validate(field: "tailnet id", tailnetID, tailnet: true)
        try Self.validate(field: "subject id", subjectID)
        try Self.validate(field: "subject name", subjectName)
        guard tags.count <= Self.maximumTagCount else {
            throw .malformed("\(tags.count) tags, at most \(Self.maximumTagCount) allowed")
        }
        for tag in tags { try Self.validate(field: "tag", tag) }
        var writer = ByteWriter(capacity: Self.maximumEncodedSize)
        writer.append(contentsOf: Self.magic)
        writer.append(role.rawValue)
        writer.append(serial)
        writer.append(UInt64(bitPattern: notBefore))
        writer.append(UInt64(bitPattern: notAfter))
        writer.append(caKeyID.value)
        writer.append(subjectKey.storage)
        writer.appendShortString(tailnetID)
        writer.appendShortString(subjectID)
        writer.appendShortString(subjectName)
        writer.append(UInt8(tags.count))
        for tag in tags { writer.appendShortString(tag) }
        guard writer.bytes.count + CAPublicKey.signatureByteCount <= Self.maximumEncodedSize else {
            throw .malformed(
                "encoded size \(writer.bytes.count + 64) exceeds \(Self.maximumEncodedSize) bytes; "
                    + "shorten names or drop tags")
        }
        return writer.bytes
    }

    /// Binary `PRC1` form (signed bytes then signature). Traps on fields that cannot be encoded; certificates from
    /// `CertificateAuthority.issue` or `init(decoding:)` always encode.
    public func encoded() -> [UInt8] {
        do {
            return try signedBytes() + signature
        } catch {
            preconditionFailure("cannot encode certificate: \(error)")
        }
    }

    /// Decodes and structurally validates a `PRC1` certificate (does not check signature or validity; see
    /// `CertificateVerifier`). Trailing bytes are an error.
    public init(decoding bytes: some Collection<UInt8>) throws(CertificateError) {
        let array = Array(bytes)
        let result = array.withUnsafeBytes { buffer in
            Result { () throws(CertificateError) -> TailnetCertificate in try TailnetCertificate(decoding: buffer) }
        }
        self = try result.get()
    }

    /// Decodes from borrowed bytes; see `init(decoding:)`.
    public init(decoding buffer: UnsafeRawBufferPointer) throws(CertificateError) {
        guard buffer.count <= Self.maximumEncodedSize else {
            throw .malformed("\(buffer.count) bytes, at most \(Self.maximumEncodedSize) allowed")
        }
        var r = ByteReader(buffer)
        guard let magic = r.readBytes(4), magic == Self.magic else {
            throw .malformed("does not start with PRC1 magic")
        }
        guard let rawRole = r.readUInt8() else { throw .malformed("truncated at role") }
        guard let role = CertificateRole(rawValue: rawRole) else { throw .malformed("unknown role \(rawRole)") }
        guard let serial = r.readUInt64(), let notBefore = r.readUInt64(), let notAfter = r.readUInt64(),
            let keyID = r.readUInt64(), let subject = r.readBytes32()
        else { throw .malformed("truncated in fixed fields") }
        let tailnet = try Self.readField(&r, "tailnet id", tailnet: true)
        let subjectID = try Self.readField(&r, "subject id")
        let subjectName = try Self.readField(&r, "subject name")
        guard let tagCount = r.readUInt8() else { throw .malformed("truncated at tag count") }
        guard tagCount <= Self.maximumTagCount else {
            throw .malformed("\(tagCount) tags, at most \(Self.maximumTagCount) allowed")
        }
        var tags: [String] = []
        for _ in 0..<tagCount { tags.append(try Self.readField(&r, "tag")) }
        guard let signature = r.readBytes(CAPublicKey.signatureByteCount) else {
            throw .malformed("truncated in signature")
        }
        guard r.remaining == 0 else { throw .malformed("\(r.remaining) unexpected bytes after the signature") }
        guard Int64(bitPattern: notBefore) < Int64(bitPattern: notAfter) else {
            throw .malformed("notAfter is not after notBefore")
        }
        self.init(
            role: role, serial: serial, notBefore: Int64(bitPattern: notBefore), notAfter: Int64(bitPattern: notAfter),
            caKeyID: CAKeyID(value: keyID), subjectKey: PublicKey(storage: subject), tailnetID: tailnet,
            subjectID: subjectID, subjectName: subjectName, tags: tags, signature: signature)
    }

    private static func readField(_ r: inout ByteReader, _ name: String, tailnet: Bool = false) throws(CertificateError)
        -> String
    {
        guard let length = r.readUInt8() else { throw .malformed("truncated at \(name) length") }
        guard let bytes = r.readBytes(Int(length)) else { throw .malformed("truncated in \(name)") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("\(name) is not UTF-8") }
        try validate(field: name, text, tailnet: tailnet)
        return text
    }

    static func validate(field name: String, _ text: String, tailnet: Bool = false) throws(CertificateError) {
        let count = text.utf8.count
        guard count >= 1 && count <= maximumFieldLength else {
            throw .malformed("\(name) must be 1…\(maximumFieldLength) UTF-8 bytes, got \(count)")
        }
        if tailnet {
            let allowed = text.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
            }
            guard allowed else { throw .malformed("tailnet id \"\(text)\" may contain only a-z, 0-9, '.' and '-'") }
        }
    }
}
