public import Fallback
public import NIOCore
import NIOHTTP1
public import NIOPosix
import NIOSSL
import NIOWebSocket
public import RelayClient
public import RelayCore

/// One admitted connection to a fallback relay (no reconnection: see ``FallbackClient`` for that).
///
/// ```swift
/// let connection = try await FallbackConnection.connect(to: endpoint, identity: identity)
/// try connection.send(to: peerKey, payload: bytes)
/// for await event in connection.events { ... }
/// ```
public final class FallbackConnection: Sendable {
    /// Where it is connected.
    public let endpoint: FallbackEndpoint
    /// The node identity it authenticated with.
    public let identity: RelayIdentity
    /// What the server granted.
    public let accepted: AcceptedParameters
    /// Packets and notices, ending with `.disconnected` (single consumer).
    public let events: AsyncStream<FallbackEvent>
    private let channel: any Channel
    private let outbound: ClientOutbound

    private init(
        endpoint: FallbackEndpoint, identity: RelayIdentity, accepted: AcceptedParameters,
        events: AsyncStream<FallbackEvent>, channel: any Channel, outbound: ClientOutbound
    ) {
        self.endpoint = endpoint
        self.identity = identity
        self.accepted = accepted
        self.events = events
        self.channel = channel
        self.outbound = outbound
    }

    /// Connects, upgrades and authenticates.
    /// - Throws: ``FallbackClientError``: `.refused` carries the server's reason (revoked, expired, foreign CA, ...).
    public static func connect(
        to endpoint: FallbackEndpoint, identity: RelayIdentity,
        configuration: FallbackClientConfiguration = FallbackClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(FallbackClientError) -> FallbackConnection {
        let sslContext: NIOSSLContext?
        if endpoint.useTLS {
            do {
                sslContext = try NIOSSLContext(configuration: configuration.tls)
            } catch {
                throw .connectFailed("TLS configuration: \(error)")
            }
        } else {
            sslContext = nil
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: FallbackEvent.self, bufferingPolicy: .bufferingNewest(configuration.eventBufferSize))
        let channel: any Channel
        let parts: PipelineParts
        do {
            let bootstrap = ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            (channel, parts) = try await bootstrap.connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let parts = try Self.configurePipeline(
                        channel, endpoint: endpoint, sslContext: sslContext, identity: identity,
                        configuration: configuration, continuation: continuation)
                    return (channel, parts)
                }
            }
        } catch {
            throw .connectFailed("\(endpoint.host):\(endpoint.port): \(error)")
        }
        let timeout = configuration.handshakeTimeout
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            channel.pipeline.fireErrorCaught(FallbackClientError.timedOut("no admission within \(timeout)"))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await parts.upgraded.get()
        } catch {
            channel.close(promise: nil)
            parts.admission.fail(error)
            throw error as? FallbackClientError ?? .upgradeFailed("\(error)")
        }
        let accepted: AcceptedParameters
        do {
            accepted = try await parts.admission.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error as? FallbackClientError ?? .connectionLost("\(error)")
        }
        return FallbackConnection(
            endpoint: endpoint, identity: identity, accepted: accepted, events: stream, channel: channel,
            outbound: parts.outbound)
    }

    /// What the pipeline set-up hands back: the upgrade's completion, the admission and the send queue.
    private struct PipelineParts: Sendable {
        var upgraded: EventLoopFuture<Void>
        var admission: EventLoopPromise<AcceptedParameters>
        var outbound: ClientOutbound
    }

    private static func configurePipeline(
        _ channel: any Channel, endpoint: FallbackEndpoint, sslContext: NIOSSLContext?, identity: RelayIdentity,
        configuration: FallbackClientConfiguration, continuation: AsyncStream<FallbackEvent>.Continuation
    ) throws -> PipelineParts {
        let pipeline = channel.pipeline.syncOperations
        let outbound = ClientOutbound(depth: configuration.sendQueueDepth, eventLoop: channel.eventLoop)
        let admission = channel.eventLoop.makePromise(of: AcceptedParameters.self)
        // However the channel ends (even a refused TCP connect), the admission completes.
        channel.closeFuture.whenComplete { _ in
            admission.fail(FallbackClientError.connectionLost("the connection closed before admission"))
        }
        if let sslContext {
            let isAddress = (try? SocketAddress(ipAddress: endpoint.host, port: 0)) != nil
            try pipeline.addHandler(
                try NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : endpoint.host))
        }
        let install: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = ClientConnectionHandler(
                    identity: identity, watchPeers: configuration.watchPeers, admission: admission,
                    continuation: continuation, outbound: outbound, packetHandler: configuration.packetHandler)
                outbound.attach(handler)
                let pipeline = channel.pipeline.syncOperations
                if endpoint.transport == .websocket { try pipeline.addHandler(WebSocketByteStream(masking: true)) }
                try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(receiver: .client)))
                try pipeline.addHandler(handler)
            }
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path)
        head.headers.add(
            name: "Host",
            value: endpoint.port == (endpoint.useTLS ? 443 : 80) ? endpoint.host : "\(endpoint.host):\(endpoint.port)")
        head.headers.add(name: "Content-Length", value: "0")
        let upgrader: any NIOTypedHTTPClientProtocolUpgrader<Void>
        switch endpoint.transport {
        case .upgrade:
            upgrader = RawUpgrader(install: install)
        case .websocket:
            head.headers.add(name: "Sec-WebSocket-Protocol", value: FallbackTransport.protocolName)
            upgrader = NIOTypedWebSocketClientUpgrader<Void>(
                maxFrameSize: 1 << 20, upgradePipelineHandler: { channel, _ in install(channel) })
        }
        let upgradeConfiguration = NIOTypedHTTPClientUpgradeConfiguration<Void>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeFailedFuture(
                    FallbackClientError.upgradeFailed(
                        "the server answered with an ordinary HTTP response instead of 101 Switching Protocols"))
            })
        var pipelineConfiguration = NIOUpgradableHTTPClientPipelineConfiguration(
            upgradeConfiguration: upgradeConfiguration)
        // The ServerHello may arrive in the same segment as the 101: keep those bytes.
        pipelineConfiguration.leftOverBytesStrategy = .forwardBytes
        let upgraded = try pipeline.configureUpgradableHTTPClientPipeline(configuration: pipelineConfiguration)
        return PipelineParts(upgraded: upgraded, admission: admission, outbound: outbound)
    }

    /// Queues a packet for `destination`. Never waits: if the socket is busy the oldest queued data packet is
    /// dropped. Control packets go first.
    /// - Throws: `.packetTooLarge` over 65,504 bytes, `.notConnected` once the connection has ended.
    public func send(to destination: PublicKey, payload: some Collection<UInt8>, control: Bool = false)
        throws(FallbackClientError)
    {
        guard payload.count <= FrameLimits.maximumPacket else { throw .packetTooLarge(payload.count) }
        var buffer = channel.allocator.buffer(capacity: FrameLimits.headerSize + PublicKey.byteCount + payload.count)
        buffer.writeInteger((control ? FrameType.sendControl : FrameType.sendPacket).rawValue)
        buffer.writeInteger(UInt32(PublicKey.byteCount + payload.count))
        destination.withUnsafeBytes { buffer.writeBytes($0) }
        buffer.writeBytes(payload)
        guard outbound.enqueue(buffer, control: control) else { throw .notConnected }
    }

    /// Asks the server for PeerPresent/PeerGone about every peer.
    public func watchPeers() throws(FallbackClientError) {
        var buffer = channel.allocator.buffer(capacity: FrameLimits.headerSize)
        buffer.writeFallbackFrame(.watchPeers)
        guard outbound.enqueue(buffer, control: true) else { throw .notConnected }
    }

    /// Data packets dropped locally because the socket was busy.
    public var locallyDropped: UInt64 { outbound.droppedCount }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Closes the connection (the event stream ends with `.disconnected`).
    public func close() async {
        try? await channel.close()
    }

    /// Returns once the connection has closed.
    public func closed() async {
        try? await channel.closeFuture.get()
    }
}

/// The client side of `Upgrade: peerrelay-fallback`.
struct RawUpgrader: NIOTypedHTTPClientProtocolUpgrader {
    typealias UpgradeResult = Void
    let install: @Sendable (any Channel) -> EventLoopFuture<Void>

    var supportedProtocol: String { FallbackTransport.protocolName }
    var requiredUpgradeHeaders: [String] { [] }
    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {}
    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool { true }
    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        install(channel)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
