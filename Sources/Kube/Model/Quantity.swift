/// A resource quantity ("100m", "64Mi", "2"). Kept as text; accepts JSON numbers too.
public struct Quantity: Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The quantity as written, e.g. `64Mi`.
    public var text: String
    /// The quantity written `text`.
    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { text = value }
    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            text = value
        } else if let value = try? container.decode(Int64.self) {
            text = String(value)
        } else {
            text = String(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
