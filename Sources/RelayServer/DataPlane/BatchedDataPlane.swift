#if os(Linux)
    import CRelayIO
    import Logging
    import NIOCore
    import NIOPosix
    import RelayCore

    /// The relay's own batched data plane (Linux): for every listen address `sockets` SO_REUSEPORT sockets (one per
    /// core by default), each read and written in batches by its own thread (``BatchedForwarder``). NIO keeps the
    /// admin port.
    final class BatchedDataPlane: Sendable {
        /// Every socket, grouped by index: `sockets[i]` holds one socket per listen address.
        let sockets: [[BatchedSocket]]
        private let stop: StopSignal
        private let pool: NIOThreadPool
        private let finished: [EventLoopFuture<Void>]

        private init(
            sockets: [[BatchedSocket]], stop: StopSignal, pool: NIOThreadPool,
            finished: [EventLoopFuture<Void>]
        ) {
            self.sockets = sockets
            self.stop = stop
            self.pool = pool
            self.finished = finished
        }

        /// Opens the sockets on `port` and starts one thread per socket.
        static func start(
            configuration: RelayServerConfiguration, port: Int, engine: RelayEngine, metrics: RelayMetrics,
            loop: any EventLoop, logger: Logger, gsoRefusalHold: Duration
        ) throws(RelaySocketError) -> BatchedDataPlane {
            var rows: [[BatchedSocket]] = []
            for _ in 0..<configuration.sockets {
                var row: [BatchedSocket] = []
                for address in configuration.listenAddresses {
                    do throws(RelaySocketError) {
                        row.append(
                            try BatchedSocket.open(
                                address: address, port: port, bufferBytes: configuration.socketBufferBytes,
                                receiveOffload: configuration.udpGRO))
                    } catch {
                        row.forEach { $0.close() }
                        rows.joined().forEach { $0.close() }
                        throw error
                    }
                }
                rows.append(row)
            }
            let stop = StopSignal()
            let pool = NIOThreadPool(numberOfThreads: rows.joined().count)
            pool.start()
            let options = BatchedForwarder.Options(
                readBatch: configuration.readBatch, maxDatagramBytes: configuration.maxDatagramBytes,
                segmentationOffload: configuration.udpGRO && configuration.udpGSO, coalesceRuns: configuration.udpGSO,
                gsoRefusalHold: gsoRefusalHold)
            var finished: [EventLoopFuture<Void>] = []
            for row in rows {
                // A datagram for the other address family leaves by that family's socket of the same index.
                var egress: [Int32?] = [nil, nil]
                for socket in row where egress[socket.transport.rawValue] == nil {
                    egress[socket.transport.rawValue] = socket.fd
                }
                for socket in row {
                    let egressSockets = egress
                    finished.append(
                        pool.runIfActive(eventLoop: loop) {
                            guard
                                var forwarder = BatchedForwarder(
                                    socket: socket, egressSockets: egressSockets, engine: engine, metrics: metrics,
                                    options: options, logger: logger)
                            else {
                                logger.critical(
                                    "cannot allocate receive buffers; a data-plane socket is not served",
                                    metadata: ["address": "\(socket.address)"])
                                return
                            }
                            forwarder.run(until: stop)
                        })
                }
            }
            return BatchedDataPlane(sockets: rows, stop: stop, pool: pool, finished: finished)
        }

        /// Sends one datagram the relay originates (not a reply) from a socket of the destination's family;
        /// false when there is none or the kernel refused it.
        @discardableResult
        func send(_ bytes: [UInt8], to destination: EndpointAddress) -> Bool {
            guard let socket = sockets.joined().first(where: { $0.transport == destination.transport }) else {
                return false
            }
            return bytes.withUnsafeBytes { buffer in
                destination.withAddressWords { high, low in
                    relay_io_send_one(
                        socket.fd, buffer.baseAddress, UInt32(buffer.count), high, low, destination.port) == 0
                }
            }
        }

        /// Stops the threads (each within its receive timeout), then closes the sockets.
        func close() async {
            guard stop.set() else { return }
            for future in finished { try? await future.get() }
            try? await pool.shutdownGracefully()
            for socket in sockets.joined() { socket.close() }
        }
    }
#endif
