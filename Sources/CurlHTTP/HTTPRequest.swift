/// One HTTP request: method, absolute URL, header fields and an optional body.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `GET`, `PATCH`.
    public var method: String
    /// The absolute URL, e.g. `https://10.0.0.1:6443/api/v1/pods`.
    public var url: String
    /// Header fields sent as given (the client adds Authorization and User-Agent unless set here).
    public var headers: HTTPHeaders
    /// The request body; nil sends none.
    public var body: [UInt8]?
    /// Overrides the client's total timeout for this request; `nil` uses the client default.
    /// Streaming requests have no total timeout unless one is set here.
    public var timeout: Duration?

    /// Creates a request (a GET without body by default).
    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
