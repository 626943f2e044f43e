import CoreMetrics
import Fallback
import FallbackClient
import Logging
import NIOCore
import RelayCore
import Synchronization

/// Serves one fallback client on its event loop: handshake and admission, forwarding, the drain of its send
/// queue, keepalive, idle and write timeouts, rate limiting and the Close frame (docs/fallback-protocol.md §5–6).
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingHello(challenge: [UInt8])
        case admitted(key: PublicKey, certificate: TailnetCertificate)
        case closed
    }

    private let server: FallbackServer
    private let handle: ClientHandle
    private var context: ChannelHandlerContext?
    private var phase: Phase = .closed
    private var started = false
    private var admittedKey: PublicKey?
    private var closeReason = "client_closed"
    private var lastReceived = NIODeadline.now()
    private var stalledSince: NIODeadline?
    private var timers: [Scheduled<Void>] = []
    private var keepalive: RepeatedTask?
    private var destinations: [PublicKey: ClientHandle] = [:]
    private var goneLimiter = PeerGoneLimiter()
    private var rateLimiter: ByteRateLimiter?
    private var readPaused = false
    // Drops counted per read burst, added to the metrics on channelReadComplete.
    private var pendingQueueDrops = 0
    private var pendingNoPeer = 0

    init(server: FallbackServer, handle: ClientHandle) {
        self.server = server
        self.handle = handle
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let hello = ServerHello.fresh(serverKey: server.serverKey.publicKey)
        phase = .awaitingHello(challenge: hello.challenge)
        write(.serverHello(hello), context: context)
        context.flush()
        let timeout = server.configuration.handshakeTimeout
        timers.append(
            context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [weak self] in
                guard let self, case .awaitingHello = self.phase else { return }
                self.close(
                    with: CloseNotice(
                        reason: .handshakeTimeout, message: "no valid ClientHello within \(timeout); reconnect"))
            })
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastReceived = .now()
        switch phase {
        case .awaitingHello(let challenge):
            receiveHello(frame, challenge: challenge, context: context)
        case .admitted(let key, _):
            receive(frame, from: key, context: context)
        case .closed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let metrics = server.metrics
        if pendingQueueDrops > 0 {
            metrics.dropQueueFull.increment(by: Int64(pendingQueueDrops))
            pendingQueueDrops = 0
        }
        if pendingNoPeer > 0 {
            metrics.dropNoPeer.increment(by: Int64(pendingNoPeer))
            pendingNoPeer = 0
        }
        context.fireChannelReadComplete()
    }

    private func receiveHello(_ frame: ByteBuffer, challenge: [UInt8], context: ChannelHandlerContext) {
        guard frame.fallbackFrameType == .clientHello else {
            violation(.unexpected(frame.fallbackFrameType, state: "before the ClientHello"))
            return
        }
        let hello: ClientHello
        do {
            guard case .clientHello(let decoded) = try frame.decodeFallbackFrame() else { return }
            hello = decoded
        } catch {
            violation(error)
            return
        }
        let decision = Admission.decide(
            hello: hello, challenge: challenge, serverKey: server.serverKey, verifier: server.verifier,
            now: .now())
        switch decision {
        case .failure(let notice):
            server.metrics.refused(notice.reason)
            server.logger.info(
                "fallback client refused",
                metadata: [
                    "remote": "\(handle.remote)", "key": "\(hello.clientKey.shortDescription)",
                    "reason": "\(notice.reason)", "detail": "\(notice.message)",
                ])
            close(with: notice, countAs: "refused")
        case .success(let admitted):
            let key = hello.clientKey
            phase = .admitted(key: key, certificate: admitted.certificate)
            admittedKey = key
            for timer in timers { timer.cancel() }
            timers.removeAll()
            if let rate = server.configuration.rateLimit { rateLimiter = ByteRateLimiter(rate: rate, now: .now()) }
            // Accepted goes out only after the registry knows the key: a client that was told it is admitted is
            // reachable at once (a peer's first packet is not answered with PeerGone). Written first, it still
            // precedes any PeerPresent that admission queues.
            write(.accepted(server.configuration.acceptedParameters), context: context)
            server.admit(handle, key: key, certificate: admitted.certificate, watches: admitted.watches)
            context.flush()
            startKeepalive(context)
        }
    }

    private func receive(_ frame: ByteBuffer, from key: PublicKey, context: ChannelHandlerContext) {
        switch frame.fallbackFrameType {
        case .sendPacket:
            forward(frame, from: key, control: false, context: context)
        case .sendControl:
            forward(frame, from: key, control: true, context: context)
        case .ping:
            var pong = frame
            pong.setInteger(FrameType.pong.rawValue, at: pong.readerIndex)
            if handle.enqueue(pong, control: true) == .rejected { server.metrics.dropControlFull.increment() }
        case .pong:
            break
        case .watchPeers:
            server.watch(handle, key: key)
        default:
            violation(.unexpected(frame.fallbackFrameType, state: "after admission"))
        }
    }

    private func forward(_ frame: ByteBuffer, from key: PublicKey, control: Bool, context: ChannelHandlerContext) {
        let size = frame.readableBytes
        server.metrics.packetsIn.increment()
        server.metrics.bytesIn.increment(by: Int64(size))
        handle.stats.packetsIn.add(1, ordering: .relaxed)
        handle.stats.bytesIn.add(UInt64(size), ordering: .relaxed)
        if let limiter = rateLimiter {
            var bucket = limiter
            let pause = bucket.consume(size, now: .now())
            rateLimiter = bucket
            if let pause { pauseReading(for: pause, context: context) }
        }
        let destination = frame.withUnsafeReadableBytes { PublicKey(loading: $0, at: FrameLimits.headerSize) }
        guard let target = target(for: destination, from: key) else {
            pendingNoPeer += 1
            if goneLimiter.shouldNotify(about: destination, now: .now()) {
                server.metrics.peerGone(.notHere)
                handle.enqueue(.peerGone(destination, .notHere))
            }
            return
        }
        var out = frame
        let index = out.readerIndex
        out.setInteger((control ? FrameType.recvControl : FrameType.recvPacket).rawValue, at: index)
        key.withUnsafeBytes { out.setBytes($0, at: index + FrameLimits.headerSize) }
        switch target.enqueue(out, control: control) {
        case .droppedOldest?:
            pendingQueueDrops += 1
            target.stats.dropped.add(1, ordering: .relaxed)
        case .rejected?:
            server.metrics.dropControlFull.increment()
        case nil:
            destinations[destination] = nil
            server.metrics.dropClosed.increment()
        case .queued?:
            break
        }
    }

    private func target(for destination: PublicKey, from key: PublicKey) -> ClientHandle? {
        if let cached = destinations[destination], !cached.isClosed { return cached }
        destinations[destination] = nil
        guard let found = server.lookup(destination, sender: key) else { return nil }
        if destinations.count >= 1024 { destinations.removeAll(keepingCapacity: true) }
        destinations[destination] = found
        goneLimiter.forget(destination)
        return found
    }

    private func pauseReading(for pause: Duration, context: ChannelHandlerContext) {
        guard !readPaused else { return }
        readPaused = true
        server.metrics.rateLimitPauses.increment()
        _ = context.channel.setOption(ChannelOptions.autoRead, value: false)
        scheduleResume(after: pause, context: context)
    }

    /// Resumes reading once the bucket is out of debt (frames decoded while paused may have deepened it).
    private func scheduleResume(after pause: Duration, context: ChannelHandlerContext) {
        timers.append(
            context.eventLoop.scheduleTask(in: .nanoseconds(pause.nanoseconds)) { [weak self] in
                guard let self, let context = self.context else { return }
                if var bucket = self.rateLimiter, let more = bucket.consume(0, now: .now()) {
                    self.rateLimiter = bucket
                    self.scheduleResume(after: more, context: context)
                    return
                }
                self.readPaused = false
                _ = context.channel.setOption(ChannelOptions.autoRead, value: true)
                context.read()
            })
    }

    // MARK: Writing

    /// Writes queued frames while the socket takes them (control first); arms the write timeout when it stops
    /// taking them.
    func drain() {
        guard let context else { return }
        handle.beginDrain()
        var packets = 0
        var bytes = 0
        while context.channel.isWritable, let frame = handle.dequeue() {
            let type = frame.getInteger(at: frame.readerIndex, as: UInt8.self)
            if type == FrameType.recvPacket.rawValue || type == FrameType.recvControl.rawValue {
                packets += 1
                bytes += frame.readableBytes
            }
            context.write(wrapOutboundOut(frame), promise: nil)
        }
        // Counted before the flush: whoever sees a packet arrive sees it counted.
        if packets > 0 {
            server.metrics.packetsOut.increment(by: Int64(packets))
            server.metrics.bytesOut.increment(by: Int64(bytes))
            handle.stats.packetsOut.add(UInt64(packets), ordering: .relaxed)
            handle.stats.bytesOut.add(UInt64(bytes), ordering: .relaxed)
        }
        context.flush()
        if !context.channel.isWritable && handle.hasQueued { armWriteTimeout(context) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stalledSince = nil
            drain()
        }
        context.fireChannelWritabilityChanged()
    }

    private func armWriteTimeout(_ context: ChannelHandlerContext) {
        guard stalledSince == nil else { return }
        let since = NIODeadline.now()
        stalledSince = since
        let timeout = server.configuration.writeTimeout
        timers.append(
            context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [weak self] in
                guard let self, self.stalledSince == since, let context = self.context else { return }
                self.server.metrics.writeTimeouts.increment()
                self.server.logger.info(
                    "fallback client write timeout", metadata: ["remote": "\(self.handle.remote)"])
                self.closeReason = "write_timeout"
                context.close(promise: nil)
            })
    }

    private func write(_ frame: Frame, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: FrameLimits.headerSize + 80)
        buffer.writeFallbackFrame(frame)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    private func startKeepalive(_ context: ChannelHandlerContext) {
        let interval = TimeAmount.nanoseconds(server.configuration.keepaliveInterval.nanoseconds)
        let idle = TimeAmount.nanoseconds(server.configuration.idleTimeout.nanoseconds)
        keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
            guard let self else { return }
            if NIODeadline.now() - self.lastReceived > idle {
                self.close(
                    with: CloseNotice(
                        reason: .idleTimeout,
                        message: "nothing received for \(self.server.configuration.idleTimeout); send a Ping at least "
                            + "every keepalive interval"))
                return
            }
            self.handle.enqueue(.keepAlive)
        }
    }

    // MARK: Closing

    /// Sends `notice` and closes the connection.
    func close(with notice: CloseNotice, countAs reason: String? = nil) {
        guard let context, context.channel.isActive else { return }
        if case .closed = phase { return }
        closeReason = reason ?? notice.reason.metricLabel
        phase = .closed
        write(.close(notice), context: context)
        context.flush()
        context.close(promise: nil)
    }

    private func violation(_ violation: ProtocolViolation) {
        server.metrics.violation(violation)
        server.logger.info(
            "fallback protocol violation", metadata: ["remote": "\(handle.remote)", "detail": "\(violation)"])
        close(with: CloseNotice(reason: .protocolError, message: "\(violation)"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let violation = error as? ProtocolViolation {
            self.violation(violation)
        } else if error is WebSocketStreamError || "\(type(of: error))".contains("WebSocket") {
            server.metrics.violation(.badField(.sendPacket, "websocket"))
            close(with: CloseNotice(reason: .protocolError, message: "WebSocket error: \(error)"))
        } else {
            closeReason = "io_error"
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The client closed its side (the HTTP server allows half-closure): the connection is over.
            context.close(promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            close(
                with: CloseNotice(
                    reason: .shuttingDown, retryAfterMillis: 1000, message: "the fallback server is shutting down"))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .awaitingHello = phase { closeReason = "handshake_incomplete" }
        phase = .closed
        for timer in timers { timer.cancel() }
        timers.removeAll()
        keepalive?.cancel()
        keepalive = nil
        destinations.removeAll()
        let discarded = handle.markClosed()
        if discarded > 0 { server.metrics.dropClosed.increment(by: Int64(discarded)) }
        server.connectionClosed(handle, key: admittedKey, reason: closeReason)
        self.context = nil
        context.fireChannelInactive()
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
