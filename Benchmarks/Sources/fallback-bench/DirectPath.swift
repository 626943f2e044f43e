import Fallback
import FallbackClient
import NIOCore
import NIOPosix
import RelayCore
import Synchronization

/// The baseline: the same frames sent straight from one client to another over one loopback TCP connection (no
/// relay), received by the same frame decoder and counted the same way.
final class DirectPath: Sendable {
    private let listener: any Channel
    private let sender: any Channel
    let counter: PacketCounter

    private init(listener: any Channel, sender: any Channel, counter: PacketCounter) {
        self.listener = listener
        self.sender = sender
        self.counter = counter
    }

    static func open(group: any EventLoopGroup) async throws -> DirectPath {
        let counter = PacketCounter()
        let listener = try await ServerBootstrap(group: group)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(receiver: .server, handshake: false)))
                    try channel.pipeline.syncOperations.addHandler(CountingHandler(counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let sender = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: listener.localAddress?.port ?? 0).get()
        return DirectPath(listener: listener, sender: sender, counter: counter)
    }

    /// Sends `count` SendPacket frames of `payload` to `destination` (one write each, one flush).
    func send(count: Int, to destination: PublicKey, payload: [UInt8]) {
        let channel = sender
        channel.eventLoop.execute {
            for _ in 0..<count {
                var buffer = channel.allocator.buffer(capacity: 37 + payload.count)
                buffer.writeInteger(FrameType.sendPacket.rawValue)
                buffer.writeInteger(UInt32(32 + payload.count))
                destination.withUnsafeBytes { buffer.writeBytes($0) }
                buffer.writeBytes(payload)
                channel.write(buffer, promise: nil)
            }
            channel.flush()
        }
    }

    func close() async {
        try? await sender.close()
        try? await listener.close()
    }
}

/// Counts received packets and payload bytes.
final class PacketCounter: Sendable {
    private let packetCount = Atomic<Int>(0)
    private let byteCount = Atomic<Int>(0)

    func add(bytes: Int) {
        packetCount.add(1, ordering: .relaxed)
        byteCount.add(bytes, ordering: .relaxed)
    }

    var packets: Int { packetCount.load(ordering: .relaxed) }
    var bytes: Int { byteCount.load(ordering: .relaxed) }
}

final class CountingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let counter: PacketCounter

    init(counter: PacketCounter) { self.counter = counter }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        counter.add(bytes: frame.readableBytes - 37)
    }
}
