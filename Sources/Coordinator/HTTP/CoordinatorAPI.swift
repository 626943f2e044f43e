import CoreMetrics
public import FallbackServer
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import Tailnet
import Telemetry

/// The coordinator's HTTP API: routes, authentication and the netmap long poll. See docs/coordinator-openapi.yaml.
public struct CoordinatorAPI: Sendable {
    /// Longest long-poll wait a client may ask for.
    public static let maxNetmapWait: Duration = .seconds(300)
    /// Long-poll wait when the client names none.
    public static let defaultNetmapWait: Duration = .seconds(60)

    let store: CoordinatorStore
    let hub: NetmapHub
    let cache: NetmapCache
    let metrics: CoordinatorMetrics
    let fallback: FallbackServer?

    /// Creates the API over `store`, waking long polls through `hub` and counting into `metrics`; `fallback` adds
    /// `/debug/fallback`.
    public init(
        store: CoordinatorStore, hub: NetmapHub, metrics: CoordinatorMetrics = CoordinatorMetrics(),
        fallback: FallbackServer? = nil
    ) {
        self.store = store
        self.hub = hub
        self.cache = NetmapCache(store: store)
        self.metrics = metrics
        self.fallback = fallback
    }

    /// A router with every route installed.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: CoordinatorErrorMiddleware(errors: metrics.requestErrors))
        router.get("healthz") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("metrics") { _, _ in
            metrics.netmapWaiters.record(hub.waiterCount)
            metrics.netmapVersion.record(hub.version)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.telemetry.render())))
        }
        addNodeRoutes(router)
        addAdminRoutes(router)
        addRelayRoutes(router)
        if let fallback {
            router.get("debug/fallback") { request, _ in
                _ = try await authorize(request, ["admin"])
                return JSONResponse.make(fallback.debugListing())
            }
        }
        return router
    }

    /// Resolves the bearer token and checks it is one of `allowed` kinds.
    func authorize(_ request: Request, _ allowed: Set<String>) async throws -> Principal {
        guard let header = request.headers[.authorization] else {
            throw CoordinatorError.unauthorized("missing Authorization header; send `Authorization: Bearer <token>`")
        }
        guard header.hasPrefix("Bearer "), header.count > 7 else {
            throw CoordinatorError.unauthorized("the Authorization header must be `Bearer <token>`")
        }
        let principal = try await store.authenticate(String(header.dropFirst(7)))
        guard allowed.contains(principal.kindName) else {
            throw CoordinatorError.forbidden(
                "a \(principal.kindName) token may not call this endpoint; it needs one of these tokens: "
                    + allowed.sorted().joined(separator: ", "))
        }
        return principal
    }

    /// Publishes `version` to waiting long polls and returns it (for chaining after writes).
    @discardableResult
    func published(_ version: Int64) -> Int64 {
        hub.publish(version)
        return version
    }
}

/// Turns any error that is not already an HTTP error into a JSON 500, so every error body has the same shape.
struct CoordinatorErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let errors: Counter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as CoordinatorError {
            errors.increment()
            throw error
        } catch let error as HTTPError {
            errors.increment()
            if error.status == .notFound {
                let message =
                    "no route \(request.method) \(request.uri.path); the API is in docs/coordinator-openapi.yaml"
                return JSONResponse.make(APIErrorBody(error: "not_found", message: message), status: .notFound)
            }
            return JSONResponse.make(
                APIErrorBody(error: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase),
                status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return JSONResponse.make(
                APIErrorBody(error: "internal", message: "internal error: \(error)"), status: .internalServerError)
        }
    }
}
