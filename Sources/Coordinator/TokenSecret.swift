import CSodium

/// Bearer secrets the coordinator hands out, and the hashes it stores instead of them.
///
/// A secret is `<prefix>_<64 hex digits>` (32 random bytes). Only `hash(_:)` of it is stored, so a copy of the
/// database does not reveal usable credentials. The secrets carry 256 bits of entropy, so one unkeyed BLAKE2b-256
/// is enough (no password stretching is needed).
enum TokenSecret {
    /// What a secret is for; the prefix lets a request be routed to the right table without a lookup per kind.
    enum Kind: String, CaseIterable, Sendable {
        case admin = "pradm"
        case relayPublisher = "prpub"
        case node = "prnode"
        case preAuthKey = "prkey"
    }

    /// A fresh random secret of `kind`.
    static func generate(_ kind: Kind) -> String {
        kind.rawValue + "_" + hex(randomBytes(32))
    }

    /// The kind named by the secret's prefix, if any.
    static func kind(of secret: String) -> Kind? {
        guard let underscore = secret.firstIndex(of: "_") else { return nil }
        return Kind(rawValue: String(secret[..<underscore]))
    }

    /// Lowercase hex of BLAKE2b-256 of the secret's UTF-8 bytes.
    static func hash(_ secret: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let input = Array(secret.utf8)
        _ = crypto_generichash(&digest, 32, input, UInt64(input.count), nil, 0)
        return hex(digest)
    }

    /// A random identifier: `prefix` + 16 hex digits.
    static func identifier(prefix: String) -> String {
        prefix + hex(randomBytes(8))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
