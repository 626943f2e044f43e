/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    /// The HTTP status code, e.g. 200.
    public var status: Int
    /// The response header fields.
    public var headers: HTTPHeaders
    /// The whole body, decompressed when the client asked for compression.
    public var body: [UInt8]
    /// The protocol the response arrived over, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String

    /// Creates a response (tests and fakes build them by hand).
    public init(status: Int, headers: HTTPHeaders, body: [UInt8], httpVersion: String = "HTTP/1.1") {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The head of a streaming response; the body arrives through `body` as it is received.
public struct HTTPStreamingResponse: Sendable {
    /// The HTTP status code, e.g. 200.
    public var status: Int
    /// The response header fields.
    public var headers: HTTPHeaders
    /// The protocol the response arrived over, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String
    /// Body chunks in arrival order. Chunk boundaries are arbitrary. Dropping or cancelling the
    /// iteration aborts the transfer.
    public var body: HTTPBodyStream
}
