import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// The relay's UDP sockets: for every listen address, one SO_REUSEPORT socket per event loop (the kernel spreads
/// flows across them), vector reads (recvmmsg) into a receive buffer sized for the whole batch, forwarding inline
/// on the loop.
public final class RelayDataPlane: Sendable {
    /// Every bound socket.
    public let channels: [any Channel]
    /// One address per listen address, with the real port.
    public let boundAddresses: [SocketAddress]
    /// The UDP port all sockets share.
    public let port: Int

    private init(channels: [any Channel], boundAddresses: [SocketAddress], port: Int) {
        self.channels = channels
        self.boundAddresses = boundAddresses
        self.port = port
    }

    /// Opens all sockets on the loops of `group` (one socket per loop and listen address).
    public static func bind(
        configuration: RelayServerConfiguration, engine: RelayEngine, metrics: RelayMetrics,
        group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws(RelaySocketError) -> RelayDataPlane {
        var port = configuration.port
        for address in configuration.listenAddresses {
            let claimed = try PortProbe.claim(address: address, port: port)
            if port == 0 { port = claimed }
        }
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
                "addresses": .array(bound.map { .string("\($0)") }), "sockets": "\(channels.count)",
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
        // With GRO one slot must hold a whole coalesced train (at most 64 KiB).
        let slot =
            configuration.udpGRO ? max(65536, configuration.maxDatagramBytes + 1) : configuration.maxDatagramBytes + 1
        var bootstrap = DatagramBootstrap(group: loop)
            .channelOption(
                ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: SO_REUSEPORT)), value: 1
            )
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.socketBufferBytes))
            .channelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(configuration.socketBufferBytes))
            .channelOption(.datagramVectorReadMessageCount, value: configuration.readBatch)
            .channelOption(
                .recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: configuration.readBatch * slot)
            )
            .channelOption(.maxMessagesPerRead, value: 4)
            .channelOption(
                .writeBufferWaterMark,
                value: ChannelOptions.Types.WriteBufferWaterMark(low: 1 << 20, high: configuration.socketBufferBytes))
        if configuration.udpGRO {
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
            segmentationOffload: configuration.udpGRO && configuration.udpGSO)
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
        for channel in channels {
            try? await channel.close()
        }
    }
}
