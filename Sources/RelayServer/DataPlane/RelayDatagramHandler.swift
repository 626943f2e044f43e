import Logging
import NIOCore
import RelayCore

/// The per-socket pipeline handler: classifies each datagram, forwards data verbatim (the received buffer is sent
/// as-is in a new envelope), hands control messages to the ``RelayEngine``, and flushes writes and metrics once
/// per read burst (so batched writes leave via sendmmsg).
final class RelayDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let engine: RelayEngine
    private let metrics: RelayMetrics
    private let transport: Transport
    private let egress: NIOLoopBound<LoopEgress>
    private let maxDatagramBytes: Int
    private let logger: Logger
    private var counters = BurstCounters()
    private var addresses = SocketAddressCache()
    private var burstTime: Timestamp?
    private var wroteToSelf = false

    init(
        engine: RelayEngine, metrics: RelayMetrics, transport: Transport, egress: NIOLoopBound<LoopEgress>,
        maxDatagramBytes: Int, logger: Logger
    ) {
        self.maxDatagramBytes = maxDatagramBytes
        self.engine = engine
        self.metrics = metrics
        self.transport = transport
        self.egress = egress
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let now: Timestamp
        if let burstTime {
            now = burstTime
        } else {
            now = .now()
            burstTime = now
        }
        let length = envelope.data.readableBytes
        counters.received(bytes: length)
        guard length <= maxDatagramBytes else {
            // The receive slot is one byte larger than the limit, so a full slot means "possibly truncated".
            counters.oversizeDrops += 1
            return
        }
        guard let source = EndpointAddress(envelope.remoteAddress) else {
            counters.dropped(.tooShort)
            return
        }
        let classified: Result<Datagram, DropReason> = envelope.data.withUnsafeReadableBytes { bytes in
            do throws(DropReason) {
                return .success(try DatagramParser.classify(bytes))
            } catch {
                return .failure(error)
            }
        }
        switch classified {
        case .failure(let reason):
            counters.dropped(reason)
        case .success(let datagram):
            switch datagram.kind {
            case .data:
                switch engine.route(vni: datagram.vni, source: source, length: length, now: now) {
                case .forward(let destination):
                    forward(envelope.data, to: destination, context: context)
                case .drop(let reason):
                    counters.dropped(reason)
                }
            case .control(let sender):
                let outcome = envelope.data.withUnsafeReadableBytes { bytes in
                    engine.handleControl(
                        datagram: bytes, header: datagram.header, sender: sender, source: source, now: now)
                }
                switch outcome {
                case .reply(let reply, let refused):
                    if let refused { counters.dropped(refused) }
                    let buffer = context.channel.allocator.buffer(bytes: reply)
                    context.write(
                        wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
                        promise: nil)
                    wroteToSelf = true
                case .handled:
                    break
                case .drop(let reason):
                    counters.dropped(reason)
                }
            }
        }
    }

    private func forward(_ buffer: ByteBuffer, to destination: EndpointAddress, context: ChannelHandlerContext) {
        let output = destination.transport
        let address = addresses.address(for: destination)
        if output == transport {
            guard context.channel.isWritable else {
                counters.sendQueueDrops += 1
                return
            }
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
            wroteToSelf = true
        } else {
            let loopEgress = egress.value
            guard let channel = loopEgress.channel(for: output) else {
                counters.noRouteDrops += 1
                return
            }
            guard channel.isWritable else {
                counters.sendQueueDrops += 1
                return
            }
            channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
            loopEgress.pendingFlush[output.rawValue] = true
        }
        counters.forwarded(bytes: buffer.readableBytes, from: transport, to: output)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if wroteToSelf {
            wroteToSelf = false
            context.flush()
        }
        egress.value.flushPending()
        counters.flush(into: metrics, transport: transport)
        burstTime = nil
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Datagram sockets report per-send errors (e.g. ICMP unreachable, EPERM from a firewall) here; they never
        // end the relay. Counted and logged at debug level.
        metrics.socketErrors.increment()
        logger.debug("socket error", metadata: ["error": "\(error)", "transport": "\(transport.label)"])
    }
}
