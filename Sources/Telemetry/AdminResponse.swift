import FoundationEssentials

/// A complete response from an admin route.
public struct AdminResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header, e.g. `text/plain; version=0.0.4` for Prometheus text.
    public var contentType: String
    /// The whole body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A plain-text response; a trailing newline is added.
    public static func text(_ text: String, status: Int = 200) -> AdminResponse {
        AdminResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8))
    }

    /// A JSON response (sorted keys, pretty-printed, ISO 8601 dates).
    public static func json(_ value: some Encodable, status: Int = 200) -> AdminResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            var body = Array(try encoder.encode(value))
            body.append(UInt8(ascii: "\n"))
            return AdminResponse(status: status, contentType: "application/json", body: body)
        } catch {
            return .text("could not encode the response as JSON: \(error)", status: 500)
        }
    }

    static let notFound = AdminResponse.text("not found", status: 404)
    static let methodNotAllowed = AdminResponse.text("method not allowed: use GET", status: 405)
}
