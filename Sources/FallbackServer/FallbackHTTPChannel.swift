import CoreMetrics
import FallbackClient
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
public import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// What an accepted connection becomes: an ordinary HTTP connection for the application's router, or a fallback
/// connection (after `Upgrade: peerrelay-fallback` or a `peerrelay-fallback` WebSocket handshake).
public enum FallbackUpgradeOutcome: Sendable {
    case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    case fallback(any Channel)
}

/// An accepted connection whose first request decides its ``FallbackUpgradeOutcome``. The server receives it at
/// once (the decision needs the request, which is only read after that).
public struct FallbackChannelValue: ServerChildChannelValue {
    /// The accepted connection.
    public let channel: any Channel
    /// Completes when the first request has been read.
    public let outcome: EventLoopFuture<FallbackUpgradeOutcome>
}

/// A Hummingbird child channel serving HTTP/1.1 and, on the same port, the fallback relay through both upgrade
/// paths. Wrap it in TLS with `HTTPServerBuilder.tls(.fallback(server), ...)`.
public struct FallbackHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    /// The accepted connection with its pending first-request decision.
    public typealias Value = FallbackChannelValue

    /// Answers the requests that are not fallback upgrades.
    public let responder: HTTPChannelHandler.Responder
    let server: FallbackServer
    let idleTimeout: Duration?

    /// Creates the channel for `server`, answering other requests with `responder`.
    public init(responder: @escaping HTTPChannelHandler.Responder, server: FallbackServer, idleTimeout: Duration? = nil)
    {
        self.responder = responder
        self.server = server
        self.idleTimeout = idleTimeout
    }

    /// Installs HTTP/1.1 with both upgrade paths on a new connection.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let server = self.server
        let idleTimeout = self.idleTimeout
        return channel.eventLoop.makeCompletedFuture {
            let websocket = NIOTypedWebSocketServerUpgrader<FallbackUpgradeOutcome>(
                maxFrameSize: 1 << 20,
                shouldUpgrade: { channel, head in
                    let path = head.uri.split(separator: "?").first.map(String.init)
                    let offered = head.headers["Sec-WebSocket-Protocol"]
                        .flatMap { $0.split(separator: ",") }
                        .map { String($0.filter { $0 != " " && $0 != "\t" }) }
                    guard path == server.configuration.path, offered.contains(FallbackTransport.protocolName) else {
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    return channel.eventLoop.makeSucceededFuture(
                        HTTPHeaders([("Sec-WebSocket-Protocol", FallbackTransport.protocolName)]))
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try server.configure(channel: channel, transport: .websocket)
                        return .fallback(channel)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<FallbackUpgradeOutcome>(
                upgradeConfiguration: .init(
                    upgraders: [websocket, FallbackUpgrader(server: server)],
                    notUpgradingCompletionHandler: { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let pipeline = channel.pipeline.syncOperations
                            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                            try pipeline.addHandler(
                                HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
                            return .http(
                                try NIOAsyncChannel(
                                    wrappingChannelSynchronously: channel,
                                    configuration: .init(isOutboundHalfClosureEnabled: true)))
                        }
                    }))
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            let outcome = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: configuration)
            // A connection that never sends its first request (or never finishes the TLS handshake) would hold
            // its socket forever: it gets the handshake timeout too, counted apart from admitted clients.
            let timeout = server.configuration.handshakeTimeout
            let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
                server.metrics.requestTimeouts.increment()
                server.logger.debug(
                    "connection closed: no request within the handshake timeout",
                    metadata: ["remote": "\(channel.remoteAddress.map { "\($0)" } ?? "unknown")"])
                channel.close(promise: nil)
            }
            outcome.whenComplete { _ in deadline.cancel() }
            return FallbackChannelValue(channel: channel, outcome: outcome)
        }
    }

    /// Serves the connection: as a fallback client after an upgrade, else as plain HTTP through ``responder``.
    public func handle(value: Value, logger: Logger) async {
        let outcome: FallbackUpgradeOutcome
        do {
            outcome = try await value.outcome.get()
        } catch {
            logger.debug("upgrade failed", metadata: ["error": "\(error)"])
            try? await value.channel.close()
            return
        }
        switch outcome {
        case .http(let asyncChannel):
            await handleHTTP(asyncChannel: asyncChannel, logger: logger)
        case .fallback(let channel):
            // The connection handler runs on the event loop; this task only lives as long as the connection, so
            // the HTTP server's graceful shutdown (which sends ChannelShouldQuiesceEvent) waits for it to close.
            try? await channel.closeFuture.get()
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 plus the fallback relay on the same port.
    public static func fallback(_ server: FallbackServer, idleTimeout: Duration? = nil) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            FallbackHTTPChannel(responder: responder, server: server, idleTimeout: idleTimeout)
        }
    }
}
