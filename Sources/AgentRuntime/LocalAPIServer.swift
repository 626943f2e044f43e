import Agent
import Foundation
import NIOCore
import NIOPosix

/// The agent's local API: a Unix stream socket (mode 0600: only root/the owner may steer the agent), one JSON line
/// in (`LocalAPIRequest`), one JSON line out (`LocalAPIResponse`), then close.
final class LocalAPIServer: Sendable {
    let channel: any Channel
    let path: String

    private init(channel: any Channel, path: String) {
        self.channel = channel
        self.path = path
    }

    static func bind(
        path: String, group: any EventLoopGroup,
        handler: @escaping @Sendable (LocalAPIRequest) async -> LocalAPIResponse
    ) async throws -> LocalAPIServer {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    try child.pipeline.syncOperations.addHandler(RequestHandler(handler: handler))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        guard chmod(path, 0o600) == 0 else {
            try? await channel.close().get()
            throw AgentError.configuration("cannot make the local API socket \(path) private (chmod 0600 failed)")
        }
        return LocalAPIServer(channel: channel, path: path)
    }

    func close() async {
        try? await channel.close().get()
        unlink(path)
    }
}

private struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 64 * 1024 { throw AgentError.configuration("local API request over 64 KiB") }
            return .needMoreData
        }
        let line = buffer.readSlice(length: newline - buffer.readerIndex + 1)!
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

private final class RequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let handler: @Sendable (LocalAPIRequest) async -> LocalAPIResponse

    init(handler: @escaping @Sendable (LocalAPIRequest) async -> LocalAPIResponse) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Data(unwrapInboundIn(data).readableBytesView)
        let channel = context.channel
        let handler = self.handler
        Task {
            let response: LocalAPIResponse
            if let request = try? JSONDecoder().decode(LocalAPIRequest.self, from: line) {
                response = await handler(request)
            } else {
                response = .failure("not a local API request (one JSON LocalAPIRequest per line)")
            }
            var bytes = (try? JSONEncoder().encode(response)) ?? Data("{}".utf8)
            bytes.append(UInt8(ascii: "\n"))
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            try? await channel.writeAndFlush(buffer).get()
            try? await channel.close().get()
        }
    }
}
