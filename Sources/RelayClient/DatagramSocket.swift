public import NIOCore
import NIOPosix

/// One received datagram: who sent it and its bytes.
public struct ReceivedDatagram: Sendable {
    /// The sender's address as the socket saw it.
    public var source: SocketAddress
    /// The datagram's bytes.
    public var bytes: [UInt8]
}

/// A bound UDP socket (a NIO datagram channel) whose inbound datagrams arrive as an `AsyncStream`.
/// Thin I/O wrapper: no protocol logic lives here.
final class DatagramSocket: Sendable {
    let channel: any Channel
    /// Every datagram the socket receives, in order; finishes when the socket closes.
    let inbound: AsyncStream<ReceivedDatagram>
    /// The address the socket is bound to (with the kernel-chosen port when 0 was asked for).
    let localAddress: SocketAddress

    private init(channel: any Channel, inbound: AsyncStream<ReceivedDatagram>) throws(RelayClientError) {
        self.channel = channel
        self.inbound = inbound
        guard let local = channel.localAddress else { throw .socket("the socket has no local address after bind") }
        self.localAddress = local
    }

    /// Binds a UDP socket to `host:port` (port 0 picks a free one).
    static func bind(
        host: String, port: Int, group: any EventLoopGroup, bufferLimit: Int = 4096
    ) async throws(RelayClientError) -> DatagramSocket {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ReceivedDatagram.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        do {
            // No SO_REUSEADDR: with it, Linux may hand two port-0 UDP sockets the same port, and one of them then
            // silently receives the other's replies.
            let channel = try await DatagramBootstrap(group: group)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(InboundHandler(continuation: continuation))
                    }
                }
                .bind(host: host, port: port).get()
            return try DatagramSocket(channel: channel, inbound: stream)
        } catch let error as RelayClientError {
            continuation.finish()
            throw error
        } catch {
            continuation.finish()
            throw .socket("cannot bind a UDP socket to \(host):\(port): \(error)")
        }
    }

    /// Sends one datagram. Errors (e.g. ICMP port unreachable reported on a later send) are returned, not thrown
    /// away, so callers can say why a relay is unreachable.
    func send(_ bytes: [UInt8], to destination: SocketAddress) async throws(RelayClientError) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        do {
            try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer)).get()
        } catch {
            throw .socket("cannot send to \(destination): \(error)")
        }
    }

    /// Starts sending one datagram without waiting; `failed` is called if the write fails.
    func sendNow(
        _ bytes: [UInt8], to destination: SocketAddress,
        failed: @escaping @Sendable (RelayClientError) -> Void = { _ in }
    ) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer)).whenFailure { error in
            failed(.socket("cannot send to \(destination): \(error)"))
        }
    }

    /// Closes the socket; `inbound` finishes.
    func close() async {
        try? await channel.close().get()
    }
}

/// Forwards every inbound datagram into an `AsyncStream` continuation.
private final class InboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let continuation: AsyncStream<ReceivedDatagram>.Continuation

    init(continuation: AsyncStream<ReceivedDatagram>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        continuation.yield(ReceivedDatagram(source: envelope.remoteAddress, bytes: bytes))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (ECONNREFUSED) surface here on Linux; a datagram socket stays usable, so keep reading.
    }
}
