import Fallback
import NIOCore
import RelayClient
import RelayCore

/// The client end of one fallback connection on its event loop: answers the ServerHello, waits for Accepted,
/// delivers frames as events, pings, and drains the connection's send queue.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingServerHello
        case awaitingAccepted
        case admitted
        case closed
    }

    private let identity: RelayIdentity
    private let watchPeers: Bool
    private let packetHandler: (@Sendable (PublicKey, ByteBuffer, Bool) -> Void)?
    private let admission: EventLoopPromise<AcceptedParameters>
    private let continuation: AsyncStream<FallbackEvent>.Continuation
    private let outbound: ClientOutbound
    private var context: ChannelHandlerContext?
    private var phase = Phase.awaitingServerHello
    private var ending: FallbackClientError?
    private var lastReceived = NIODeadline.now()
    private var pinger: RepeatedTask?
    private var pingCounter: UInt64 = 0

    init(
        identity: RelayIdentity, watchPeers: Bool, admission: EventLoopPromise<AcceptedParameters>,
        continuation: AsyncStream<FallbackEvent>.Continuation, outbound: ClientOutbound,
        packetHandler: (@Sendable (PublicKey, ByteBuffer, Bool) -> Void)? = nil
    ) {
        self.identity = identity
        self.watchPeers = watchPeers
        self.packetHandler = packetHandler
        self.admission = admission
        self.continuation = continuation
        self.outbound = outbound
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        lastReceived = .now()
        let type = frame.fallbackFrameType
        if phase == .admitted, type == .recvPacket || type == .recvControl {
            frame.moveReaderIndex(forwardBy: FrameLimits.headerSize)
            let source = frame.withUnsafeReadableBytes { PublicKey(loading: $0, at: 0) }
            frame.moveReaderIndex(forwardBy: PublicKey.byteCount)
            if let packetHandler {
                packetHandler(source, frame, type == .recvControl)
            } else {
                continuation.yield(.packet(source: source, payload: frame, control: type == .recvControl))
            }
            return
        }
        let decoded: Frame
        do {
            decoded = try frame.decodeFallbackFrame()
        } catch {
            fail(.protocolViolation(error), context: context)
            return
        }
        handle(decoded, context: context)
    }

    private func handle(_ frame: Frame, context: ChannelHandlerContext) {
        switch (phase, frame) {
        case (_, .close(let notice)):
            fail(phase == .admitted ? .closedByServer(notice) : .refused(notice), context: context)
        case (.awaitingServerHello, .serverHello(let hello)):
            let content = ClientHello.Content(
                flags: watchPeers ? ClientHello.Content.watchFlag : 0, challenge: hello.challenge,
                certificate: identity.certificate.encoded())
            guard let sealed = ClientHello.seal(content, key: identity.privateKey, serverKey: hello.serverKey) else {
                fail(.protocolViolation(.badField(.serverHello, "server key is a low-order point")), context: context)
                return
            }
            phase = .awaitingAccepted
            write(.clientHello(sealed), context: context)
            context.flush()
        case (.awaitingAccepted, .accepted(let parameters)):
            phase = .admitted
            startPinging(parameters, context: context)
            admission.succeed(parameters)
        case (.admitted, .peerGone(let key, let reason)):
            continuation.yield(.peerGone(key, reason))
        case (.admitted, .peerPresent(let key)):
            continuation.yield(.peerPresent(key))
        case (.admitted, .ping(let value)):
            write(.pong(value), context: context)
            context.flush()
        case (.admitted, .keepAlive), (.admitted, .pong):
            break
        default:
            fail(.protocolViolation(.unexpected(frame.type, state: "in phase \(phase)")), context: context)
        }
    }

    private func startPinging(_ parameters: AcceptedParameters, context: ChannelHandlerContext) {
        let interval = TimeAmount.milliseconds(Int64(max(1000, parameters.keepaliveMillis)))
        // The server keeps the connection busy at least every interval; silence for two intervals means it is gone.
        let deadline = interval * 2 + .seconds(5)
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
            guard let self, let context = self.context else { return }
            if NIODeadline.now() - self.lastReceived > deadline {
                self.fail(.timedOut("nothing heard from the fallback relay for \(deadline)"), context: context)
                return
            }
            self.pingCounter += 1
            self.write(.ping(self.pingCounter), context: context)
            context.flush()
        }
    }

    /// Writes queued frames while the socket takes them.
    func drain() {
        guard let context else { return }
        outbound.beginDrain()
        var wrote = false
        while context.channel.isWritable, let frame = outbound.dequeue() {
            context.write(wrapOutboundOut(frame), promise: nil)
            wrote = true
        }
        if wrote { context.flush() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    private func write(_ frame: Frame, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeFallbackFrame(frame)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    private func fail(_ error: FallbackClientError, context: ChannelHandlerContext) {
        if ending == nil { ending = error }
        phase = .closed
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let violation = error as? ProtocolViolation {
            fail(.protocolViolation(violation), context: context)
        } else if let clientError = error as? FallbackClientError {
            fail(clientError, context: context)
        } else {
            fail(.connectionLost("\(error)"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pinger?.cancel()
        pinger = nil
        let error = ending ?? .connectionLost("the relay closed the connection without a Close frame")
        phase = .closed
        outbound.markClosed()
        admission.fail(error)
        continuation.yield(.disconnected(error))
        continuation.finish()
        self.context = nil
        context.fireChannelInactive()
    }
}
