/// A key whose text form is one base64 line (key files, JSON documents, flags): the node and CA keys share how
/// that text is parsed, decoded and explained when it is wrong.
public protocol Base64Key: Sendable {
    /// Parses the base64 text form; nil if it is not base64 of the key's size.
    init?(base64: some StringProtocol)
    /// The base64 text form.
    var base64: String { get }
    /// What the text form must be, for error messages (for example "a base64 X25519 public key (32 bytes)").
    static var textForm: String { get }
}

extension Base64Key {
    /// Decodes the key from a single-value container holding its base64 text form.
    public init(base64From decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = Self(base64: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not \(Self.textForm): \(text.prefix(60))")
        }
        self = key
    }

    /// Encodes the key's base64 text form into a single-value container.
    public func encodeBase64(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(base64)
    }
}
