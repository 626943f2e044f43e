/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The protocol the response arrived over, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String

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
    public var status: Int
    public var headers: HTTPHeaders
    public var httpVersion: String
    /// Body chunks in arrival order. Chunk boundaries are arbitrary. Dropping or cancelling the
    /// iteration aborts the transfer.
    public var body: HTTPBodyStream
}
