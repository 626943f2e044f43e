import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback UDP socket for tests: datagrams received are queued; `receive` waits (bounded) without blocking
/// a thread.
final class TestSocket: Sendable {
    final class Inbox: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let queue = NIOLockedValueBox<[AddressedEnvelope<ByteBuffer>]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = Self.unwrapInboundIn(data)
            queue.withLockedValue { $0.append(envelope) }
        }
    }

    let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    static func open(host: String = "127.0.0.1", port: Int = 0) async throws -> TestSocket {
        let inbox = Inbox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(inbox) }
            }
            .bind(host: host, port: port).get()
        return TestSocket(channel: channel, inbox: inbox)
    }

    var localAddress: SocketAddress { channel.localAddress! }

    func send(_ bytes: [UInt8], to destination: SocketAddress) async throws {
        let buffer = channel.allocator.buffer(bytes: bytes)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer))
    }

    /// The next datagram, or nil after `timeout`.
    func receive(timeout: Duration = .seconds(2)) async -> (bytes: [UInt8], from: SocketAddress)? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let next = inbox.queue.withLockedValue { queue -> AddressedEnvelope<ByteBuffer>? in
                queue.isEmpty ? nil : queue.removeFirst()
            }
            if let next {
                return (Array(next.data.readableBytesView), next.remoteAddress)
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Datagrams received so far, without waiting.
    func drain() -> [[UInt8]] {
        inbox.queue.withLockedValue { queue in
            defer { queue.removeAll() }
            return queue.map { Array($0.data.readableBytesView) }
        }
    }

    func close() async {
        try? await channel.close()
    }
}
