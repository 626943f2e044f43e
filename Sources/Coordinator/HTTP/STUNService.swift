public import Logging
public import NIOCore
import NIOPosix
import RelayCore
public import ServiceLifecycle

/// Answers STUN Binding Requests (RFC 5389) on UDP, on the coordinator's HTTP port number, so nodes learn their
/// reflexive address ("how the internet sees my tailnet port"). Never answers with more bytes than the request
/// (`STUNMessage.answer`); everything else is ignored.
public final class STUNService: Service, Sendable {
    let channel: any Channel
    let logger: Logger

    /// The bound UDP address.
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(channel: any Channel, logger: Logger) {
        self.channel = channel
        self.logger = logger
    }

    /// Binds UDP `host:port`.
    public static func bind(host: String, port: Int, logger: Logger) async throws -> STUNService {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(STUNHandler()) }
            }
            .bind(host: host, port: port).get()
        logger.info("STUN (UDP) listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        return STUNService(channel: channel, logger: logger)
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withTaskCancellationHandler {
                try await self.channel.closeFuture.get()
            } onCancel: {
                self.channel.close(promise: nil)
            }
        }
    }
}

private final class STUNHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source: EndpointAddress
        switch envelope.remoteAddress {
        case .v4(let v4): source = EndpointAddress(v4.address)
        case .v6(let v6): source = EndpointAddress(v6.address)
        default: return
        }
        guard let answer = envelope.data.withUnsafeReadableBytes({ STUNMessage.answer($0, from: source) }) else {
            return
        }
        let buffer = context.channel.allocator.buffer(bytes: answer)
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
