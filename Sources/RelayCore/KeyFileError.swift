/// A key or certificate file could not be read or written.
public enum KeyFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, errno: Int32)
    case unwritable(path: String, errno: Int32)
    case malformed(path: String, expected: String)
    case tooLarge(path: String, size: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            "key file \(path) does not exist; fix the path, or create a key (`relayctl cert issue --out PREFIX` "
                + "writes a new key to PREFIX.key with its certificate; `relayctl ca init` makes a CA key)"
        case .unreadable(let path, let errno):
            "cannot read key file \(path): \(KeyFile.describe(errno: errno)); check its permissions and owner"
        case .unwritable(let path, let errno):
            "cannot write key file \(path): \(KeyFile.describe(errno: errno)); check that the directory exists "
                + "and is writable"
        case .malformed(let path, let expected):
            "key file \(path) does not hold \(expected); it must contain one line of base64 text"
        case .tooLarge(let path, let size):
            "key file \(path) is \(size) bytes, too large for a key or certificate; check the path"
        }
    }
}
