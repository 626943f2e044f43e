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

    /// `receiveOffload`: UDP GRO on (Linux), so a GSO write addressed to this socket arrives as one train.
    static func open(host: String = "127.0.0.1", port: Int = 0, receiveOffload: Bool = false) async throws
        -> TestSocket
    {
        let inbox = Inbox()
        var bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536))
        if receiveOffload {
            bootstrap = bootstrap.channelOption(.datagramReceiveOffload, value: true)
                .channelOption(.datagramReceiveSegmentSize, value: true)
        }
        let channel =
            try await bootstrap
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

    /// The next `count` datagrams (a GRO train split into its datagrams), waiting at most `timeout` in all, and
    /// how many of them came in trains of two or more (a GSO write that reached a GRO socket).
    func receiveDatagrams(_ count: Int, timeout: Duration = .seconds(3)) async -> (datagrams: [[UInt8]], trains: Int) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var datagrams: [[UInt8]] = []
        var trains = 0
        while datagrams.count < count, clock.now < deadline {
            let next = inbox.queue.withLockedValue { queue -> AddressedEnvelope<ByteBuffer>? in
                queue.isEmpty ? nil : queue.removeFirst()
            }
            guard let next else {
                try? await Task.sleep(for: .milliseconds(2))
                continue
            }
            let bytes = Array(next.data.readableBytesView)
            guard let size = next.metadata?.segmentSize, size > 0, bytes.count > size else {
                datagrams.append(bytes)
                continue
            }
            trains += 1
            for start in stride(from: 0, to: bytes.count, by: size) {
                datagrams.append(Array(bytes[start..<min(start + size, bytes.count)]))
            }
        }
        return (datagrams, trains)
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
