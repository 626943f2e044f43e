import NIOHTTP1

/// Maps request paths to responses: built-in `/metrics`, `/healthz`, `/readyz`, then the configured routes.
struct AdminRouter: Sendable {
    let routes: [String: AdminRoute]
    let metrics: TelemetryMetrics
    let readiness: @Sendable () -> Readiness
    let beforeScrape: @Sendable () -> Void

    init(
        routes: [AdminRoute],
        metrics: TelemetryMetrics,
        readiness: @escaping @Sendable () -> Readiness,
        beforeScrape: @escaping @Sendable () -> Void
    ) {
        var byPath: [String: AdminRoute] = [:]
        for route in routes { byPath[route.path] = route }
        self.routes = byPath
        self.metrics = metrics
        self.readiness = readiness
        self.beforeScrape = beforeScrape
    }

    func respond(to head: HTTPRequestHead) async -> AdminResponse {
        guard head.method == .GET || head.method == .HEAD else { return .methodNotAllowed }
        let request = AdminRequest(method: head.method.rawValue, target: head.uri)
        if let route = routes[request.path] {
            return await route.handler(request)
        }
        switch request.path {
        case "/metrics":
            beforeScrape()
            return AdminResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
        case "/healthz":
            return .text("ok")
        case "/readyz":
            switch readiness() {
            case .ready: return .text("ready")
            case .notReady(let reason): return .text("not ready: \(reason)", status: 503)
            }
        default:
            return .notFound
        }
    }
}
