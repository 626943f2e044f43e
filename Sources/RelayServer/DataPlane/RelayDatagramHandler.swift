import CoreMetrics
import Logging
import NIOCore
import RelayCore
import RelayNIO

#if canImport(Glibc)
    import Glibc
#endif

/// The per-socket pipeline handler: classifies each datagram, forwards data verbatim (the received buffer is sent
/// as-is in a new envelope), hands control messages to the ``RelayEngine``, and flushes writes and metrics once
/// per read burst (so batched writes leave via sendmmsg). With UDP GRO a read may carry a train of datagrams from
/// one source; see ``readTrain(_:segmentSize:source:now:context:)``.
final class RelayDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    struct Options {
        var maxDatagramBytes: Int
        /// Forward a single-session GRO train as one GSO write.
        var segmentationOffload: Bool
    }

    private let engine: RelayEngine
    private let metrics: RelayMetrics
    private let transport: Transport
    private let egress: NIOLoopBound<LoopEgress>
    private let options: Options
    private let logger: Logger
    private var counters = BurstCounters()
    private var addresses = SocketAddressCache()
    private var burstTime: Timestamp?
    private var wroteToSelf = false

    init(
        engine: RelayEngine, metrics: RelayMetrics, transport: Transport, egress: NIOLoopBound<LoopEgress>,
        options: Options, logger: Logger
    ) {
        self.engine = engine
        self.metrics = metrics
        self.transport = transport
        self.egress = egress
        self.options = options
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
        guard let source = EndpointAddress(envelope.remoteAddress) else {
            counters.noRouteDrops += 1  // not an IP source; cannot happen on a UDP socket
            return
        }
        if let segmentSize = envelope.metadata?.segmentSize, segmentSize > 0,
            envelope.data.readableBytes > segmentSize
        {
            readTrain(envelope, segmentSize: segmentSize, source: source, now: now, context: context)
        } else {
            readOne(envelope.data, remote: envelope.remoteAddress, source: source, now: now, context: context)
        }
    }

    /// One datagram: forward, answer or drop.
    private func readOne(
        _ buffer: ByteBuffer, remote: SocketAddress, source: EndpointAddress, now: Timestamp,
        context: ChannelHandlerContext
    ) {
        let length = buffer.readableBytes
        counters.received(bytes: length)
        guard length <= options.maxDatagramBytes else {
            // The receive slot is one byte larger than the limit, so a full slot means "possibly truncated".
            counters.oversizeDrops += 1
            return
        }
        let classified: Result<Datagram, DropReason> = buffer.withUnsafeReadableBytes { bytes in
            do throws(DropReason) {
                return .success(try DatagramParser.classify(bytes))
            } catch {
                return .failure(error)
            }
        }
        switch classified {
        case .failure(let reason):
            // A STUN Binding Request (RFC 5389) fails Geneve parsing on its second byte: answer it, never larger.
            if reason == .badGeneveHeader,
                let answer = buffer.withUnsafeReadableBytes({ STUNMessage.answer($0, from: source) })
            {
                counters.stunAnswers += 1
                let reply = context.channel.allocator.buffer(bytes: answer)
                context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: reply)), promise: nil)
                wroteToSelf = true
            } else {
                counters.dropped(reason)
            }
        case .success(let datagram):
            switch datagram.kind {
            case .data:
                switch engine.route(vni: datagram.vni, source: source, length: length, now: now) {
                case .forward(let destination):
                    forward(buffer, to: destination, segmentSize: nil, context: context)
                    counters.forwarded(bytes: length, from: transport, to: destination.transport)
                case .drop(let reason):
                    counters.dropped(reason)
                }
            case .control(let sender):
                let outcome = buffer.withUnsafeReadableBytes { bytes in
                    engine.handleControl(
                        datagram: bytes, header: datagram.header, sender: sender, source: source, now: now)
                }
                switch outcome {
                case .reply(let reply, let refused):
                    if let refused { counters.dropped(refused) }
                    let replyBuffer = context.channel.allocator.buffer(bytes: reply)
                    context.write(
                        wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: replyBuffer)), promise: nil)
                    wroteToSelf = true
                case .handled:
                    break
                case .drop(let reason):
                    counters.dropped(reason)
                }
            }
        }
    }

    /// A GRO train: datagrams of `segmentSize` bytes (the last may be shorter) from one source. When every segment
    /// is data on one VNI and segmentation offload is on, the train is forwarded intact as one GSO write (no copy,
    /// no split); otherwise each segment is handled on its own as a slice of the buffer (still no copy).
    private func readTrain(
        _ envelope: AddressedEnvelope<ByteBuffer>, segmentSize: Int, source: EndpointAddress, now: Timestamp,
        context: ChannelHandlerContext
    ) {
        let buffer = envelope.data
        let total = buffer.readableBytes
        counters.trains += 1
        if options.segmentationOffload, segmentSize <= options.maxDatagramBytes,
            let vni = Self.commonDataVNI(buffer, segmentSize: segmentSize)
        {
            var destination: EndpointAddress?
            var offset = 0
            while offset < total {
                let length = min(segmentSize, total - offset)
                counters.received(bytes: length)
                switch engine.route(vni: vni, source: source, length: length, now: now) {
                case .forward(let target):
                    destination = target
                    counters.forwarded(bytes: length, from: transport, to: target.transport)
                case .drop(let reason):
                    counters.dropped(reason)
                }
                offset += segmentSize
            }
            if let destination {
                forwardTrain(buffer, to: destination, segmentSize: segmentSize, context: context)
            }
            return
        }
        var offset = buffer.readerIndex
        let end = buffer.readerIndex + total
        while offset < end {
            let length = min(segmentSize, end - offset)
            if let segment = buffer.getSlice(at: offset, length: length) {
                readOne(segment, remote: envelope.remoteAddress, source: source, now: now, context: context)
            }
            offset += segmentSize
        }
    }

    /// The VNI when every segment of the train is a well-formed data datagram on the same VNI, else nil.
    static func commonDataVNI(_ buffer: ByteBuffer, segmentSize: Int) -> UInt32? {
        buffer.withUnsafeReadableBytes { bytes -> UInt32? in
            var vni: UInt32?
            var offset = 0
            while offset < bytes.count {
                let length = min(segmentSize, bytes.count - offset)
                let segment = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
                guard let datagram = try? DatagramParser.classify(segment), datagram.isData else { return nil }
                if let vni, vni != datagram.vni { return nil }
                vni = datagram.vni
                offset += segmentSize
            }
            return vni
        }
    }

    /// Forwards a whole train: one GSO write, or (after the socket refused GSO once) one write per datagram.
    private func forwardTrain(
        _ buffer: ByteBuffer, to destination: EndpointAddress, segmentSize: Int, context: ChannelHandlerContext
    ) {
        if !egress.value.segmentationOffloadFailed[destination.transport.rawValue] {
            forward(buffer, to: destination, segmentSize: segmentSize, context: context)
            return
        }
        var offset = buffer.readerIndex
        let end = buffer.readerIndex + buffer.readableBytes
        while offset < end {
            let length = min(segmentSize, end - offset)
            if let segment = buffer.getSlice(at: offset, length: length) {
                forward(segment, to: destination, segmentSize: nil, context: context)
            }
            offset += segmentSize
        }
    }

    private func forward(
        _ buffer: ByteBuffer, to destination: EndpointAddress, segmentSize: Int?, context: ChannelHandlerContext
    ) {
        let output = destination.transport
        let address = addresses.address(for: destination)
        let metadata = segmentSize.map {
            AddressedEnvelope<ByteBuffer>.Metadata(
                ecnState: .transportNotCapable, packetInfo: nil, segmentSize: $0)
        }
        let envelope = AddressedEnvelope(remoteAddress: address, data: buffer, metadata: metadata)
        if output == transport {
            guard context.channel.isWritable else {
                counters.sendQueueDrops += 1
                return
            }
            context.write(wrapOutboundOut(envelope), promise: nil)
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
            channel.write(envelope, promise: nil)
            loopEgress.pendingFlush[output.rawValue] = true
        }
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

    /// errno values a refused GSO send reports (Tailscale's list: EIO from drivers without checksum offload,
    /// EINVAL/EOPNOTSUPP from kernels or devices without UDP_SEGMENT).
    static let offloadErrnos: Set<Int32> = [EIO, EINVAL, EOPNOTSUPP]

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Datagram sockets report per-send errors (e.g. ICMP unreachable, EPERM from a firewall) here; they never
        // end the relay. Counted and logged at debug level.
        metrics.socketErrors.increment()
        if options.segmentationOffload, let io = error as? IOError, Self.offloadErrnos.contains(io.errnoCode),
            !egress.value.segmentationOffloadFailed[transport.rawValue]
        {
            // The device or kernel refused a GSO write (the train is lost); stop using GSO on this socket.
            metrics.gsoRefusedWrites.increment()
            egress.value.segmentationOffloadFailed[transport.rawValue] = true
            logger.warning(
                "UDP segmentation offload refused; forwarding trains datagram by datagram on this socket",
                metadata: ["error": "\(error)", "transport": "\(transport.label)"])
            return
        }
        logger.debug("socket error", metadata: ["error": "\(error)", "transport": "\(transport.label)"])
    }
}
