#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes small secret text files (base64 keys, PEM certificates). Writes are atomic (temp file, fsync,
/// rename) and the file is created with mode 0600.
public enum KeyFile {
    static let maximumSize = 64 * 1024

    /// Reads the whole file as UTF-8 text.
    public static func readText(at path: String) throws(KeyFileError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .missing(path: path) : .unreadable(path: path, errno: code)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= maximumSize else { throw .tooLarge(path: path, size: bytes.count) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(path: path, expected: "UTF-8 text")
        }
        return text
    }

    /// Writes `text` atomically with mode 0600 (replacing any existing file).
    public static func writeText(_ text: String, to path: String) throws(KeyFileError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritable(path: path, errno: errno) }
        var closed = false
        defer { if !closed { close(fd) } }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(temporary)
                throw .unwritable(path: path, errno: code)
            }
            bytes = bytes.dropFirst(n)
        }
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw .unwritable(path: path, errno: code)
        }
        closed = true
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .unwritable(path: path, errno: code)
        }
    }

    /// Reads a key file: one base64 line of `Key`'s text form.
    public static func readKey<Key: Base64Key>(_ type: Key.Type, at path: String) throws(KeyFileError) -> Key {
        guard let key = Key(base64: try readText(at: path)) else {
            throw .malformed(path: path, expected: Key.textForm)
        }
        return key
    }

    /// Reads an X25519 private key file (one base64 line).
    public static func readPrivateKey(at path: String) throws(KeyFileError) -> PrivateKey {
        try readKey(PrivateKey.self, at: path)
    }

    /// Reads an X25519 public key file (one base64 line).
    public static func readPublicKey(at path: String) throws(KeyFileError) -> PublicKey {
        try readKey(PublicKey.self, at: path)
    }

    /// Reads a CA private key file (base64 Ed25519 seed).
    public static func readCAPrivateKey(at path: String) throws(KeyFileError) -> CAPrivateKey {
        try readKey(CAPrivateKey.self, at: path)
    }

    /// Reads a CA public key file (one base64 line).
    public static func readCAPublicKey(at path: String) throws(KeyFileError) -> CAPublicKey {
        try readKey(CAPublicKey.self, at: path)
    }

    /// Reads a PEM-armored certificate file.
    public static func readCertificate(at path: String) throws(KeyFileError) -> TailnetCertificate {
        let text = try readText(at: path)
        do {
            return try TailnetCertificate(pem: text)
        } catch {
            throw .malformed(path: path, expected: "a PeerRelay certificate (\(error))")
        }
    }

    /// Writes `key` as one base64 line, mode 0600.
    public static func write(_ key: PrivateKey, to path: String) throws(KeyFileError) {
        try writeText(key.base64 + "\n", to: path)
    }

    /// Writes `key` as one base64 line, mode 0600.
    public static func write(_ key: PublicKey, to path: String) throws(KeyFileError) {
        try writeText(key.base64 + "\n", to: path)
    }

    /// Writes `key` as one base64 line, mode 0600.
    public static func write(_ key: CAPrivateKey, to path: String) throws(KeyFileError) {
        try writeText(key.base64 + "\n", to: path)
    }

    /// Writes `key` as one base64 line, mode 0600.
    public static func write(_ key: CAPublicKey, to path: String) throws(KeyFileError) {
        try writeText(key.base64 + "\n", to: path)
    }

    /// Writes `certificate` PEM-armored, mode 0600.
    public static func write(_ certificate: TailnetCertificate, to path: String) throws(KeyFileError) {
        try writeText(certificate.pemEncoded, to: path)
    }

    static func describe(errno code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
