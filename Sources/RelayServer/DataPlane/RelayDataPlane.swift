import CoreMetrics
public import Logging
public import NIOCore
public import NIOPosix
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// The relay's UDP sockets: for every listen address, `sockets` SO_REUSEPORT sockets (the kernel spreads flows
/// across them). On Linux by default each socket has its own thread reading and writing batches with
/// recvmmsg/sendmmsg into fixed buffers (``BatchedDataPlane``); otherwise (`batchedIO` off, or not Linux) each
/// socket is a NIO channel on its own event loop with vector reads, forwarding inline on the loop.
public final class RelayDataPlane: Sendable {
    /// The NIO channels (empty with the batched data plane).
    let channels: [any Channel]
    #if os(Linux)
        let batched: BatchedDataPlane?
    #endif
    /// One address per listen address, with the real port.
    public let boundAddresses: [SocketAddress]
    /// The UDP port all sockets share.
    public let port: Int

    #if os(Linux)
        private init(
            channels: [any Channel], batched: BatchedDataPlane? = nil, boundAddresses: [SocketAddress], port: Int
        ) {
            self.channels = channels
            self.batched = batched
            self.boundAddresses = boundAddresses
            self.port = port
        }
    #else
        private init(channels: [any Channel], boundAddresses: [SocketAddress], port: Int) {
            self.channels = channels
            self.boundAddresses = boundAddresses
            self.port = port
        }
    #endif

    /// Opens all sockets: the batched data plane where it is on and available, else NIO channels on the loops of
    /// `group` (one socket per loop and listen address). `gsoRefusalHold`: how long the batched data plane sends
    /// datagram by datagram to a destination that refused a GSO write.
    public static func bind(
        configuration: RelayServerConfiguration, engine: RelayEngine, metrics: RelayMetrics,
        group: MultiThreadedEventLoopGroup, logger: Logger, gsoRefusalHold: Duration
    ) async throws(RelaySocketError) -> RelayDataPlane {
        var port = configuration.port
        for address in configuration.listenAddresses {
            let claimed = try PortProbe.claim(address: address, port: port)
            if port == 0 { port = claimed }
        }
        #if os(Linux)
            if configuration.batchedIO {
                let batched = try BatchedDataPlane.start(
                    configuration: configuration, port: port, engine: engine, metrics: metrics, loop: group.next(),
                    logger: logger, gsoRefusalHold: gsoRefusalHold)
                let all = batched.sockets.joined()
                metrics.sockets.record(all.count)
                logger.info(
                    "relay listening",
                    metadata: [
                        "addresses": .array(batched.sockets[0].map { .string("\($0.address)") }),
                        "sockets": "\(all.count)", "io": "batched", "readBatch": "\(configuration.readBatch)",
                        "udpGRO": "\(all.allSatisfy(\.receiveOffload) && configuration.udpGRO)",
                        "udpGSO": "\(configuration.udpGSO)",
                    ])
                return RelayDataPlane(
                    channels: [], batched: batched, boundAddresses: batched.sockets[0].map(\.address), port: port)
            }
        #endif
        return try await bindChannels(
            configuration: configuration, port: port, engine: engine, metrics: metrics, group: group, logger: logger)
    }

    private static func bindChannels(
        configuration: RelayServerConfiguration, port: Int, engine: RelayEngine, metrics: RelayMetrics,
        group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws(RelaySocketError) -> RelayDataPlane {
        let loops = Array(group.makeIterator())
        var channels: [any Channel] = []
        var bound: [SocketAddress] = []
        do {
            for loop in loops {
                let egress = try await loop.submit { NIOLoopBound(LoopEgress(), eventLoop: loop) }.get()
                for address in configuration.listenAddresses {
                    let channel = try await openSocket(
                        address: address, port: port, loop: loop, egress: egress, configuration: configuration,
                        engine: engine, metrics: metrics, logger: logger)
                    channels.append(channel)
                    if loop === loops.first, let local = channel.localAddress { bound.append(local) }
                    let transport: Transport = ListenAddress.family(of: address) == .ipv4 ? .udp4 : .udp6
                    try await loop.submit {
                        if egress.value.channels[transport.rawValue] == nil {
                            egress.value.channels[transport.rawValue] = channel
                        }
                    }.get()
                }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            if let socketError = error as? RelaySocketError { throw socketError }
            throw .bindFailed(
                address: configuration.listenAddresses.joined(separator: ","), port: port,
                reason: "\(error)")
        }
        metrics.sockets.record(channels.count)
        logger.info(
            "relay listening",
            metadata: [
                "addresses": .array(bound.map { .string("\($0)") }), "sockets": "\(channels.count)", "io": "nio",
                "readBatch": "\(configuration.readBatch)", "udpGRO": "\(configuration.udpGRO)",
                "udpGSO": "\(configuration.udpGSO)",
            ])
        return RelayDataPlane(channels: channels, boundAddresses: bound, port: port)
    }

    private static func openSocket(
        address: String, port: Int, loop: any EventLoop, egress: NIOLoopBound<LoopEgress>,
        configuration: RelayServerConfiguration, engine: RelayEngine, metrics: RelayMetrics, logger: Logger
    ) async throws -> any Channel {
        let isIPv4 = ListenAddress.family(of: address) == .ipv4
        let transport: Transport = isIPv4 ? .udp4 : .udp6
        // With GRO one slot must hold a whole coalesced train (at most 64 KiB). NIO allocates the whole batch's
        // buffer per read, so with GRO the batch is capped at 8 slots.
        let gro = configuration.udpGRO && System.supportsUDPReceiveOffload
        let slot = gro ? max(65536, configuration.maxDatagramBytes + 1) : configuration.maxDatagramBytes + 1
        let readBatch = gro ? min(configuration.readBatch, 8) : configuration.readBatch
        var bootstrap = DatagramBootstrap(group: loop)
            .channelOption(
                ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: SO_REUSEPORT)), value: 1
            )
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.socketBufferBytes))
            .channelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(configuration.socketBufferBytes))
            .channelOption(.datagramVectorReadMessageCount, value: readBatch)
            .channelOption(
                .recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: readBatch * slot)
            )
            .channelOption(.maxMessagesPerRead, value: 4)
            .channelOption(
                .writeBufferWaterMark,
                value: ChannelOptions.Types.WriteBufferWaterMark(low: 1 << 20, high: configuration.socketBufferBytes))
        if gro {
            bootstrap = bootstrap.channelOption(.datagramReceiveOffload, value: true)
                .channelOption(.datagramReceiveSegmentSize, value: true)
        }
        if !isIPv4 {
            bootstrap = bootstrap.channelOption(
                ChannelOptions.Types.SocketOption(level: .init(rawValue: Int32(IPPROTO_IPV6)), name: .ipv6_v6only),
                value: 1)
        }
        let handlerLogger = logger
        let options = RelayDatagramHandler.Options(
            maxDatagramBytes: configuration.maxDatagramBytes,
            segmentationOffload: configuration.udpGRO && configuration.udpGSO && System.supportsUDPReceiveOffload
                && System.supportsUDPSegmentationOffload)
        do {
            return try await bootstrap.channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = RelayDatagramHandler(
                        engine: engine, metrics: metrics, transport: transport, egress: egress,
                        options: options, logger: handlerLogger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }.bind(host: address, port: port).get()
        } catch let error as IOError {
            throw PortProbe.error(errno: error.errnoCode, address: address, port: port)
        }
    }

    /// Closes every socket.
    public func close() async {
        #if os(Linux)
            await batched?.close()
        #endif
        for channel in channels {
            try? await channel.close()
        }
    }
}
