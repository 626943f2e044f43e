public import FallbackServer
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import ServiceLifecycle
import Tailnet
import Telemetry

/// A fallback relay on its own (`tailnet-coordinator fallback`): one region of a multi-region deployment. It serves
/// `/fallback` (both transports), `/healthz`, `/metrics` and `/debug/fallback` (bearer `debugToken`) on one port and
/// follows a remote coordinator's revocation list.
public enum StandaloneFallback {
    /// Builds the application around `server`; `trust` (nil in tests that set trust by hand) keeps its revocation
    /// list current.
    /// - Throws: ``CoordinatorError`` for a bad listen configuration or unreadable TLS files.
    public static func makeApplication(
        listen: CoordinatorServer.Configuration, server: FallbackServer, trust: RemoteTrustUpdater?,
        debugToken: String?, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try listen.validate()
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in JSONResponse.make(["status": "ok", "region": server.configuration.region]) }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: server.metrics.telemetry.render())))
        }
        router.get("debug/fallback") { request, _ in
            guard let debugToken, request.headers[.authorization] == "Bearer \(debugToken)" else {
                return JSONResponse.make(
                    APIErrorBody(
                        error: "unauthorized",
                        message: "send `Authorization: Bearer <token>` with the token this relay uses"),
                    status: .unauthorized)
            }
            return JSONResponse.make(server.debugListing())
        }
        return Application(
            router: router, server: try CoordinatorServer.serverBuilder(.fallback(server), configuration: listen),
            configuration: .init(
                address: .hostname(listen.host, port: listen.port), serverName: "peerrelay-fallback"),
            services: trust.map { [$0] } ?? [],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
