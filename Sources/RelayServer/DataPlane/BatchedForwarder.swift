#if os(Linux)
    import CRelayIO
    import CoreMetrics
    import Logging
    import RelayCore

    /// The loop of one data-plane thread: reads its socket in batches (one recvmmsg), decides every datagram with
    /// RelayCore (consecutive data datagrams under one table lock), and sends what it forwards in batches (one
    /// sendmmsg) straight out of the receive buffers. Fixed buffers, reused: no heap allocation per datagram.
    /// Control messages go to the ``RelayEngine`` as on any other path; their replies are sent at once.
    ///
    /// With UDP GRO a read may hold a train of datagrams from one source. A train whose datagrams are all data of
    /// one session is forwarded as one GSO write (when segmentation offload is on); any other train is handled
    /// datagram by datagram, so a train mixing sessions or destinations is split, never dropped.
    ///
    /// With ``Options/coalesceRuns`` the send queue joins consecutive plain datagrams of one batch that leave for the
    /// same destination with the same length (the last may be shorter) into one GSO write pointing at their receive
    /// slots (CRelayIO's coalescing): the peer receives the same datagrams in the same order, for less kernel work
    /// per datagram. Only neighbours in the queue join, so nothing is reordered.
    ///
    /// A GSO write the kernel refuses is resent datagram by datagram (nothing lost), and its destination is sent to
    /// without GSO for a while (``GSORefusals``); every other destination keeps the offloads.
    struct BatchedForwarder: ~Copyable {
        struct Options: Sendable {
            var readBatch: Int
            var maxDatagramBytes: Int
            var segmentationOffload: Bool
            /// Send runs of plain datagrams to one destination as one GSO write.
            var coalesceRuns: Bool
            /// How long a destination that refused a GSO write is sent to datagram by datagram.
            var gsoRefusalHold: Duration
        }

        private let socket: BatchedSocket
        /// The socket each transport leaves by from this thread (this socket, or the other family's socket of
        /// the same index); nil when there is none.
        private let egressSockets: [Int32?]
        private let engine: RelayEngine
        private let metrics: RelayMetrics
        private let options: Options
        private let logger: Logger
        private let receive: OpaquePointer
        /// Send queue for the other family's socket (its receive slots are unused).
        private let crossFamily: OpaquePointer
        private var counters = BurstCounters()
        private var refusals: GSORefusals
        /// When the current batch was read (the clock of ``refusals``).
        private var now = Timestamp(nanoseconds: 0)

        /// Nil when the buffers cannot be allocated.
        init?(
            socket: BatchedSocket, egressSockets: [Int32?], engine: RelayEngine, metrics: RelayMetrics,
            options: Options, logger: Logger
        ) {
            let slot = socket.receiveOffload ? 65536 : options.maxDatagramBytes + 1
            // A GRO train queued datagram by datagram takes up to 64 send slots.
            let sendCapacity = UInt32(options.readBatch * (socket.receiveOffload ? 64 : 1))
            guard let receive = relay_io_batch_create(UInt32(options.readBatch), UInt32(slot), sendCapacity) else {
                return nil
            }
            guard let crossFamily = relay_io_batch_create(1, 1, sendCapacity) else {
                relay_io_batch_destroy(receive)
                return nil
            }
            relay_io_set_coalescing(receive, options.coalesceRuns ? 1 : 0)
            relay_io_set_coalescing(crossFamily, options.coalesceRuns ? 1 : 0)
            self.socket = socket
            self.egressSockets = egressSockets
            self.engine = engine
            self.metrics = metrics
            self.options = options
            self.refusals = GSORefusals(holdPeriod: options.gsoRefusalHold)
            self.logger = logger
            self.receive = receive
            self.crossFamily = crossFamily
        }

        deinit {
            relay_io_batch_destroy(receive)
            relay_io_batch_destroy(crossFamily)
        }

        /// Serves until `stop` is set (noticed within the socket's receive timeout).
        mutating func run(until stop: StopSignal) {
            while !stop.isSet {
                let count = Int(relay_io_receive(receive, socket.fd))
                if count < 0 {
                    // A pending socket error (e.g. ICMP unreachable for an earlier send); never fatal.
                    metrics.socketErrors.increment()
                    continue
                }
                guard count > 0 else { continue }
                let now = Timestamp.now()
                self.now = now
                refusals.expire(now: now)
                var index = 0
                while index < count {
                    index = engine.withTable { table in
                        self.forwardData(from: index, count: count, table: &table, now: now)
                    }
                    if index < count {
                        handleUnlocked(index, now: now)
                        index += 1
                    }
                }
                flush()
                counters.flush(into: metrics, transport: socket.transport)
            }
        }

        // MARK: Data under the table lock

        /// Handles datagrams from `start` on while they are plain data (or single-session trains); returns the
        /// index of the first one that needs the unlocked path (control messages), or `count`.
        private mutating func forwardData(
            from start: Int, count: Int, table: inout SessionTable, now: Timestamp
        ) -> Int {
            var index = start
            while index < count {
                let received = relay_io_get(receive, UInt32(index))
                let length = Int(received.length)
                let segmentSize = Int(received.segment_size)
                let bytes = UnsafeRawBufferPointer(start: received.data, count: length)
                let source = Self.endpoint(received.source)
                if received.truncated != 0 || (segmentSize == 0 && length > options.maxDatagramBytes) {
                    // The slot is one byte larger than the limit (64 KiB with GRO): a full one may be truncated.
                    counters.received(bytes: length)
                    counters.oversizeDrops += 1
                } else if segmentSize > 0, length > segmentSize {
                    guard forwardTrain(bytes, segmentSize: segmentSize, source: source, table: &table, now: now)
                    else { return index }
                } else {
                    let classified: Datagram
                    do throws(DropReason) {
                        classified = try DatagramParser.classify(bytes)
                    } catch {
                        // Not Geneve at its second byte: maybe a STUN Binding Request, answered outside the lock.
                        if error == .badGeneveHeader { return index }
                        counters.received(bytes: length)
                        counters.dropped(error)
                        index += 1
                        continue
                    }
                    guard classified.isData else { return index }
                    counters.received(bytes: length)
                    route(bytes, vni: classified.vni, source: source, table: &table, now: now)
                }
                index += 1
            }
            return count
        }

        private mutating func route(
            _ bytes: UnsafeRawBufferPointer, vni: UInt32, source: EndpointAddress, table: inout SessionTable,
            now: Timestamp
        ) {
            switch table.route(vni: vni, source: source, byteCount: bytes.count, now: now) {
            case .forward(let destination):
                counters.forwarded(bytes: bytes.count, from: socket.transport, to: destination.transport)
                send(bytes, to: destination, segmentSize: 0)
            case .drop(let reason):
                counters.dropped(reason)
            }
        }

        /// A GRO train. Returns false (nothing done) when it holds a control message: the unlocked path takes it.
        private mutating func forwardTrain(
            _ bytes: UnsafeRawBufferPointer, segmentSize: Int, source: EndpointAddress, table: inout SessionTable,
            now: Timestamp
        ) -> Bool {
            counters.trains += 1
            if options.segmentationOffload, segmentSize <= options.maxDatagramBytes,
                let vni = Self.commonDataVNI(bytes, segmentSize: segmentSize)
            {
                var destination: EndpointAddress?
                var offset = 0
                while offset < bytes.count {
                    let length = min(segmentSize, bytes.count - offset)
                    counters.received(bytes: length)
                    switch table.route(vni: vni, source: source, byteCount: length, now: now) {
                    case .forward(let target):
                        destination = target
                        counters.forwarded(bytes: length, from: socket.transport, to: target.transport)
                    case .drop(let reason):
                        counters.dropped(reason)
                    }
                    offset += segmentSize
                }
                if let destination { send(bytes, to: destination, segmentSize: segmentSize) }
                return true
            }
            var offset = 0
            while offset < bytes.count {
                let segment = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + segmentSize, bytes.count)])
                if let datagram = try? DatagramParser.classify(segment), !datagram.isData {
                    counters.trains -= 1  // counted again on the unlocked path
                    return false
                }
                offset += segmentSize
            }
            offset = 0
            while offset < bytes.count {
                let segment = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + segmentSize, bytes.count)])
                counters.received(bytes: segment.count)
                do throws(DropReason) {
                    let datagram = try DatagramParser.classify(segment)
                    if segment.count > options.maxDatagramBytes {
                        counters.oversizeDrops += 1
                    } else {
                        route(segment, vni: datagram.vni, source: source, table: &table, now: now)
                    }
                } catch {
                    counters.dropped(error)
                }
                offset += segmentSize
            }
            return true
        }

        /// The VNI when every segment of the train is a well-formed data datagram on the same VNI, else nil.
        static func commonDataVNI(_ bytes: UnsafeRawBufferPointer, segmentSize: Int) -> UInt32? {
            var vni: UInt32?
            var offset = 0
            while offset < bytes.count {
                let segment = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + segmentSize, bytes.count)])
                guard let datagram = try? DatagramParser.classify(segment), datagram.isData else { return nil }
                if let vni, vni != datagram.vni { return nil }
                vni = datagram.vni
                offset += segmentSize
            }
            return vni
        }

        // MARK: Control messages (and trains that carry them), outside the lock

        private mutating func handleUnlocked(_ index: Int, now: Timestamp) {
            let received = relay_io_get(receive, UInt32(index))
            let bytes = UnsafeRawBufferPointer(start: received.data, count: Int(received.length))
            let source = Self.endpoint(received.source)
            let segmentSize = Int(received.segment_size)
            guard segmentSize > 0, bytes.count > segmentSize else {
                handleOne(bytes, source: source, now: now)
                return
            }
            counters.trains += 1
            var offset = 0
            while offset < bytes.count {
                handleOne(
                    UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + segmentSize, bytes.count)]),
                    source: source, now: now)
                offset += segmentSize
            }
        }

        private mutating func handleOne(_ bytes: UnsafeRawBufferPointer, source: EndpointAddress, now: Timestamp) {
            counters.received(bytes: bytes.count)
            guard bytes.count <= options.maxDatagramBytes else {
                counters.oversizeDrops += 1
                return
            }
            let datagram: Datagram
            do throws(DropReason) {
                datagram = try DatagramParser.classify(bytes)
            } catch {
                // A STUN Binding Request (RFC 5389) fails Geneve parsing on its second byte: answer it, never larger.
                if error == .badGeneveHeader, let answer = STUNMessage.answer(bytes, from: source) {
                    counters.stunAnswers += 1
                    reply(answer, to: source)
                } else {
                    counters.dropped(error)
                }
                return
            }
            switch datagram.kind {
            case .data:
                switch engine.route(vni: datagram.vni, source: source, length: bytes.count, now: now) {
                case .forward(let destination):
                    counters.forwarded(bytes: bytes.count, from: socket.transport, to: destination.transport)
                    send(bytes, to: destination, segmentSize: 0)
                case .drop(let reason):
                    counters.dropped(reason)
                }
            case .control(let sender):
                switch engine.handleControl(
                    datagram: bytes, header: datagram.header, sender: sender, source: source, now: now)
                {
                case .reply(let bytes, let refused):
                    if let refused { counters.dropped(refused) }
                    reply(bytes, to: source)
                case .handled:
                    break
                case .drop(let reason):
                    counters.dropped(reason)
                }
            }
        }

        // MARK: Sending

        /// Sends a reply to `source` from this socket at once.
        private func reply(_ bytes: [UInt8], to source: EndpointAddress) {
            let result = bytes.withUnsafeBytes { buffer in
                source.withAddressWords { high, low in
                    relay_io_send_one(socket.fd, buffer.baseAddress, UInt32(buffer.count), high, low, source.port)
                }
            }
            if result != 0 { metrics.socketErrors.increment() }
        }

        /// Queues `bytes` (still in the receive buffer) for `destination`; `segmentSize` > 0 sends a GSO train.
        private mutating func send(_ bytes: UnsafeRawBufferPointer, to destination: EndpointAddress, segmentSize: Int) {
            let output = destination.transport
            guard egressSockets[output.rawValue] != nil else {
                counters.noRouteDrops += 1
                return
            }
            let ownFamily = output == socket.transport
            let queue = ownFamily ? receive : crossFamily
            let unsegmented = !refusals.isEmpty && refusals.avoids(destination)
            if unsegmented, segmentSize > 0 || options.coalesceRuns {
                counters.gsoFallbackDatagrams += segmentSize > 0 ? (bytes.count + segmentSize - 1) / segmentSize : 1
            }
            if enqueue(bytes, to: destination, segmentSize: segmentSize, unsegmented: unsegmented, on: queue) != 0 {
                flush(queue, fd: ownFamily ? socket.fd : egressSockets[output.rawValue]!)
                _ = enqueue(bytes, to: destination, segmentSize: segmentSize, unsegmented: unsegmented, on: queue)
            }
        }

        private func enqueue(
            _ bytes: UnsafeRawBufferPointer, to destination: EndpointAddress, segmentSize: Int, unsegmented: Bool,
            on queue: OpaquePointer
        ) -> Int32 {
            destination.withAddressWords { high, low in
                unsegmented
                    ? relay_io_queue_unsegmented(
                        queue, bytes.baseAddress, UInt32(bytes.count), high, low, destination.port,
                        UInt16(segmentSize))
                    : relay_io_queue(
                        queue, bytes.baseAddress, UInt32(bytes.count), high, low, destination.port,
                        UInt16(segmentSize))
            }
        }

        private mutating func flush() {
            if relay_io_queued(receive) > 0 { flush(receive, fd: socket.fd) }
            if relay_io_queued(crossFamily) > 0, let fd = egressSockets[1 - socket.transport.rawValue] {
                flush(crossFamily, fd: fd)
            }
        }

        private mutating func flush(_ queue: OpaquePointer, fd: Int32) {
            var report = relay_io_flush_report()
            relay_io_flush(queue, fd, &report)
            counters.sendQueueDrops += Int(report.queue_full_drops)
            if report.errors > 0 { metrics.socketErrors.increment(by: Int64(report.errors)) }
            if report.segmentation_refused > 0 { noteRefusals(report) }
        }

        /// Counts refused GSO writes and remembers their destinations; logs the first refusal of each hold period.
        private mutating func noteRefusals(_ report: relay_io_flush_report) {
            metrics.gsoRefusedWrites.increment(by: Int64(report.segmentation_refused))
            counters.gsoFallbackDatagrams += Int(report.segmentation_fallback_datagrams)
            let count = Int(min(report.refused_destination_count, UInt32(RELAY_IO_REPORTED_REFUSALS)))
            withUnsafeBytes(of: report.refused_destinations) { wire in
                for index in 0..<count {
                    let destination = EndpointAddress(loading: wire, at: index * 18)
                    guard refusals.record(destination, now: now) else { continue }
                    let code = report.segmentation_errno
                    logger.warning(
                        """
                        GSO refused by the kernel for \(destination) (errno \(code)): sending to it datagram by \
                        datagram for \(refusals.holdPeriod), other destinations keep GSO; check the path MTU and \
                        the egress device's offloads, or run with --no-udp-gso
                        """,
                        metadata: [
                            "destination": "\(destination)", "errno": "\(code)",
                            "transport": "\(socket.transport.label)",
                        ])
                }
            }
        }

        @inline(__always)
        private static func endpoint(
            _ wire: (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            )
        ) -> EndpointAddress {
            withUnsafeBytes(of: wire) { EndpointAddress(loading: $0, at: 0) }
        }
    }

    extension EndpointAddress {
        /// Calls `body` with the 16 address bytes as two words in memory order (what CRelayIO takes).
        @inline(__always)
        func withAddressWords<R>(_ body: (UInt64, UInt64) -> R) -> R {
            withAddressBytes {
                body(
                    $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        }
    }
#endif
