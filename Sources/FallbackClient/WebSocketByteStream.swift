public import NIOCore
public import NIOWebSocket

/// Turns a WebSocket into the byte stream the fallback protocol runs on: binary (and continuation) message
/// payloads flow up as bytes, bytes written down leave as binary messages (masked when `masking`, as a client must).
/// Answers pings, and closes the channel on a close frame. A text message is a protocol error: the peer is not
/// speaking this subprotocol.
public final class WebSocketByteStream: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = WebSocketFrame
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = WebSocketFrame

    private let masking: Bool
    private var closing = false

    /// A stream adapter; clients set `masking` (RFC 6455 §5.3).
    public init(masking: Bool) {
        self.masking = masking
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary, .continuation:
            let payload = frame.unmaskedData
            guard payload.readableBytes > 0 else { return }
            context.fireChannelRead(wrapInboundOut(payload))
        case .ping:
            var pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            if masking { pong.maskKey = .random() }
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            guard !closing else {
                context.close(promise: nil)
                return
            }
            closing = true
            var reply = WebSocketFrame(
                fin: true, opcode: .connectionClose, data: context.channel.allocator.buffer(capacity: 0))
            if masking { reply.maskKey = .random() }
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in context.close(promise: nil) }
        case .text:
            context.fireErrorCaught(WebSocketStreamError.textMessage)
        default:
            context.fireErrorCaught(WebSocketStreamError.unknownOpcode)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var frame = WebSocketFrame(fin: true, opcode: .binary, data: unwrapOutboundIn(data))
        if masking { frame.maskKey = .random() }
        context.write(wrapOutboundOut(frame), promise: promise)
    }
}

/// A WebSocket message that the fallback subprotocol does not allow.
public enum WebSocketStreamError: Error, CustomStringConvertible {
    case textMessage
    case unknownOpcode

    public var description: String {
        switch self {
        case .textMessage: "text WebSocket message on the binary peerrelay-fallback subprotocol"
        case .unknownOpcode: "WebSocket frame with a reserved opcode"
        }
    }
}
