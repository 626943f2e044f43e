import CSodium

/// Access to libsodium: one-time initialisation and the few helpers RelayCore shares.
public enum Sodium {
    private static let initialized: Bool = {
        sodium_init() >= 0
    }()

    /// Initialises libsodium once (idempotent, thread-safe). Every RelayCore type that touches libsodium calls it,
    /// so callers never have to. Traps if libsodium cannot initialise (no usable randomness source).
    public static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise (sodium_init < 0): no usable randomness source?")
    }

    /// `count` cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
        return bytes
    }

    /// Standard (padded) base64 of `bytes`.
    public static func base64(_ bytes: UnsafeRawBufferPointer) -> String {
        ensureInitialized()
        let variant = Int32(sodium_base64_VARIANT_ORIGINAL)
        let length = sodium_base64_encoded_len(bytes.count, variant)
        var out = [CChar](repeating: 0, count: length)
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        _ = out.withUnsafeMutableBufferPointer { buffer in
            sodium_bin2base64(buffer.baseAddress!, length, base, bytes.count, variant)
        }
        return String(decoding: out.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Standard (padded) base64 of `bytes`.
    public static func base64<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let array = Array(bytes)
        return array.withUnsafeBytes { base64($0) }
    }

    /// Decodes standard base64 (padding required; surrounding whitespace ignored). Nil if the text is not base64.
    public static func decodeBase64(_ text: some StringProtocol) -> [UInt8]? {
        ensureInitialized()
        let trimmed = Array(text.utf8.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
        guard !trimmed.isEmpty else { return [] }
        var out = [UInt8](repeating: 0, count: trimmed.count * 3 / 4 + 3)
        var written = 0
        var end: UnsafePointer<CChar>? = nil
        let result = trimmed.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { chars in
                out.withUnsafeMutableBufferPointer { output in
                    sodium_base642bin(
                        output.baseAddress!, output.count, chars.baseAddress, chars.count, nil, &written, &end,
                        Int32(sodium_base64_VARIANT_ORIGINAL))
                }
            }
        }
        // libsodium stops at the first invalid character; require it consumed everything.
        guard result == 0 else { return nil }
        let consumed = trimmed.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { chars in
                end.map { chars.baseAddress!.distance(to: $0) } ?? -1
            }
        }
        guard consumed == trimmed.count else { return nil }
        return Array(out.prefix(written))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Constant-time comparison of two equally long byte buffers.
    static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        return sodium_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
    }
}
