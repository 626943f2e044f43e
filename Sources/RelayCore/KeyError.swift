/// A key or key text could not be used.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The raw key had the wrong number of bytes.
    case wrongLength(kind: String, expected: Int, actual: Int)
    /// The text was not base64 of a key.
    case notBase64(kind: String)

    public var description: String {
        switch self {
        case .wrongLength(let kind, let expected, let actual):
            "\(kind) must be \(expected) bytes, got \(actual); check that the right key was copied in full"
        case .notBase64(let kind):
            "\(kind) is not valid base64 text; expected the single line written by `relayctl` key generation"
        }
    }
}
