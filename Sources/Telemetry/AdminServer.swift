public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
public import NIOPosix
public import ServiceLifecycle

/// The small HTTP server every PeerRelay process exposes for operators: `/metrics` (Prometheus text),
/// `/healthz`, `/readyz`, plus any extra routes (usually JSON under `/debug/`).
///
/// Binding happens in ``bind(host:port:routes:metrics:readiness:beforeScrape:group:logger:)`` so a busy port fails at
/// start-up with a clear error; ``run()`` serves until graceful shutdown or cancellation.
public final class AdminServer: Service, Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let serverChannel: NIOAsyncChannel<Connection, Never>
    private let router: AdminRouter
    private let logger: Logger

    /// The address the server listens on (with the real port when bound to port 0).
    public let localAddress: SocketAddress

    /// The bound TCP port.
    public var port: Int { localAddress.port ?? 0 }

    private init(serverChannel: NIOAsyncChannel<Connection, Never>, router: AdminRouter, logger: Logger) {
        self.serverChannel = serverChannel
        self.router = router
        self.logger = logger
        self.localAddress = serverChannel.channel.localAddress!
    }

    /// Binds the listening socket.
    /// - Parameters:
    ///   - routes: extra routes; a route may override the built-in `/healthz` or `/readyz`.
    ///   - readiness: called on every `/readyz`.
    ///   - beforeScrape: called before `/metrics` renders, e.g. to refresh gauges.
    public static func bind(
        host: String,
        port: Int,
        routes: [AdminRoute] = [],
        metrics: TelemetryMetrics,
        readiness: @escaping @Sendable () -> Readiness = { .ready },
        beforeScrape: @escaping @Sendable () -> Void = {},
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> AdminServer {
        let router = AdminRouter(
            routes: routes, metrics: metrics, readiness: readiness, beforeScrape: beforeScrape)
        let channel: NIOAsyncChannel<Connection, Never>
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(host: host, port: port) { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: child)
                    }
                }
        } catch {
            throw AdminServerError.bindFailed(host: host, port: port, underlying: error)
        }
        let server = AdminServer(serverChannel: channel, router: router, logger: logger)
        logger.info("admin HTTP listening", metadata: ["address": "\(server.localAddress)"])
        return server
    }

    public func run() async throws {
        let channel = serverChannel.channel
        // The accept loop runs in an unstructured task: cancelling a NIOAsyncChannel server stream that still
        // buffers accepted connections traps in NIO, so shutdown and cancellation close the socket instead.
        let acceptLoop = Task { await self.acceptConnections() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await acceptLoop.value
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        logger.info("admin HTTP stopped")
    }

    private func acceptConnections() async {
        await withDiscardingTaskGroup { group in
            do {
                try await serverChannel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            } catch {
                logger.debug("admin listener ended", metadata: ["error": "\(error)"])
            }
            group.cancelAll()
        }
    }

    /// Closes the listening socket; ``run()`` returns once open connections are done.
    public func close() {
        serverChannel.channel.close(promise: nil)
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let response = await router.respond(to: requestHead)
                        try await write(response, for: requestHead, to: outbound)
                        if !requestHead.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("admin connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func write(
        _ response: AdminResponse,
        for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        let body = request.method == .HEAD ? ByteBuffer() : ByteBuffer(bytes: response.body)
        try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
    }
}
