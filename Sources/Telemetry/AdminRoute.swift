/// A route of the admin HTTP server: an exact path and an async handler.
public struct AdminRoute: Sendable {
    /// The exact request path it answers, e.g. `/metrics`.
    public var path: String
    /// Produces the response for one request.
    public var handler: @Sendable (AdminRequest) async -> AdminResponse

    /// Creates a route.
    public init(path: String, handler: @escaping @Sendable (AdminRequest) async -> AdminResponse) {
        self.path = path
        self.handler = handler
    }

    /// A route answering with the JSON encoding of whatever `produce` returns.
    public static func json<Value: Encodable & Sendable>(
        _ path: String,
        _ produce: @escaping @Sendable (AdminRequest) async -> Value
    ) -> AdminRoute {
        AdminRoute(path: path) { request in .json(await produce(request)) }
    }
}
