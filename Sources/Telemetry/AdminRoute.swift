/// A route of the admin HTTP server: an exact path and an async handler.
public struct AdminRoute: Sendable {
    public var path: String
    public var handler: @Sendable (AdminRequest) async -> AdminResponse

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
