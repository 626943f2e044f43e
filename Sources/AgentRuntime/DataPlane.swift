import Agent
import Logging
import NIOCore
import NIOPosix
import RelayCore

/// The agent's packet mover: the node's one tailnet UDP socket and one loopback socket per peer, all on one event
/// loop, so a packet goes from socket to socket inside one read callback — no thread hand-off, no per-packet task.
/// Reads are batched (recvmmsg), writes flushed once per read batch (sendmmsg), socket buffers forced large.
///
/// WireGuard data is forwarded here; everything else on the tailnet port (probes, relay control, STUN) goes to the
/// controller through `control`. All mutable state is confined to `loop`.
///
/// With UDP offload (where the kernel has it, unless turned off), a read batch's consecutive equal-size datagrams of a
/// peer to one target leave as one GSO write, and the tailnet sockets read GRO trains (``DataPlane+Offload``).
///
/// NIO closes a UDP channel on a send error other than EMSGSIZE and EHOSTUNREACH (EACCES for a broadcast address,
/// EPERM from a local firewall, ENETUNREACH, EIO from a kernel that refuses a GSO write), so one bad candidate would
/// silence every UDP path; a tailnet or loopback socket closed that way is reopened on the same port at once, logged
/// and counted (`tailnet_socket_reopened`, `loopback_socket_reopened`).
final class DataPlane: @unchecked Sendable {
    let loop: any EventLoop
    /// The tailnet socket (replaced when it has to be reopened; read and written on `loop` only).
    private(set) var tailnet: any Channel
    /// The tailnet port's IPv6 socket (same port, IPv6 only), when the tailnet port is bound on every address and
    /// the host has IPv6; IPv6 candidates are published and reached through it.
    private(set) var tailnet6: (any Channel)?
    /// The bound tailnet address.
    let localAddress: SocketAddress?
    /// Whether the tailnet port also has an IPv6 socket.
    let hasIPv6: Bool
    private let host: String
    private let holder: PlaneHolder
    let logger: Logger
    private var closing = false
    /// wireguard-go's listen address on loopback: where peer packets are delivered.
    let wireGuard: SocketAddress
    let control: AsyncStream<InboundControl>
    private let controlContinuation: AsyncStream<InboundControl>.Continuation
    private(set) var links: [PublicKey: PeerLink] = [:]
    private(set) var direct: [SocketAddress: PeerLink] = [:]
    private(set) var relayed: [RelayKey: PeerLink] = [:]
    private var dirty: [PeerLink] = []
    /// The sockets on which UDP GSO is used; a kind is removed for good when the kernel refuses a GSO write there.
    var segmentation: Set<SocketKind>
    /// Whether the tailnet sockets ask for GRO trains.
    let receiveOffload: Bool
    /// The read batch's pending trains (emitted when the target's size changes and when the batch ends).
    var trains: [OutboundTrain] = []
    /// Route MTUs of the targets: a train's segments must fit.
    var routeMTU = RouteMTUCache()
    /// GSO writes sent to the tailnet port's peers and relays, and GRO trains from them delivered whole.
    var trainCounts = (sent: UInt64(0), received: UInt64(0))
    /// Sends through the fallback relay (set, on `loop`, while the fallback client is connected).
    private var fallbackSend: (@Sendable (PublicKey, [UInt8]) -> Void)?
    private(set) var drops: [String: UInt64] = [:]

    struct RelayKey: Hashable {
        var relay: SocketAddress
        var vni: UInt32
    }

    /// Socket buffer size forced on every socket (NetBird's relay throughput was 0.1× direct with defaults).
    static let socketBufferBytes = 7 << 20
    /// Datagrams per read (recvmmsg).
    static let readBatch = 64
    /// Receive room per datagram: a full 1500-byte-MTU packet with relay framing, with margin.
    static let slotBytes = 4096
    /// Receive room per datagram with GRO: a whole train.
    static let trainSlotBytes = 65_536

    private init(
        loop: any EventLoop, host: String, tailnet: any Channel, tailnet6: (any Channel)?, wireGuard: SocketAddress,
        holder: PlaneHolder, offload: Bool, logger: Logger
    ) {
        self.loop = loop
        self.host = host
        self.tailnet = tailnet
        self.tailnet6 = tailnet6
        self.localAddress = tailnet.localAddress
        self.hasIPv6 = tailnet6 != nil
        self.wireGuard = wireGuard
        self.holder = holder
        self.logger = logger
        self.segmentation = offload && System.supportsUDPSegmentationOffload ? [.tailnet, .tailnet6, .loopback] : []
        self.receiveOffload = offload && System.supportsUDPReceiveOffload
        (control, controlContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
    }

    /// Binds the tailnet port on `host:port`; with `host` 0.0.0.0 also on `[::]` and the same port (IPv6 only),
    /// unless `ipv6` is false or the host has no IPv6. `offload`: UDP GSO and GRO where the kernel has them.
    static func start(
        host: String, port: Int, wireGuardPort: Int, ipv6: Bool = true, offload: Bool = true, loop: any EventLoop,
        logger: Logger = Logger(label: "tailnet-agent")
    ) async throws -> DataPlane {
        let wireGuard = try SocketAddress(ipAddress: "127.0.0.1", port: wireGuardPort)
        let holder = PlaneHolder()
        let gro = offload && System.supportsUDPReceiveOffload
        let channel = try await bind(host: host, port: port, receiveOffload: gro, loop: loop) {
            TailnetHandler(holder: holder)
        }
        var channel6: (any Channel)?
        if ipv6, host == "0.0.0.0", let boundPort = channel.localAddress?.port {
            channel6 = try? await bind(host: "::", port: boundPort, ipv6Only: true, receiveOffload: gro, loop: loop) {
                TailnetHandler(holder: holder)
            }
        }
        let plane = DataPlane(
            loop: loop, host: host, tailnet: channel, tailnet6: channel6, wireGuard: wireGuard, holder: holder,
            offload: offload, logger: logger)
        logger.info(
            "UDP offload: GSO \(plane.segmentation.isEmpty ? "off" : "on"), GRO \(plane.receiveOffload ? "on" : "off")")
        try await loop.submit {
            holder.plane = plane
            plane.watch(channel, ipv6: false)
            if let channel6 { plane.watch(channel6, ipv6: true) }
        }.get()
        return plane
    }

    static func bind(
        host: String, port: Int, ipv6Only: Bool = false, receiveOffload: Bool = false, loop: any EventLoop,
        handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> any Channel {
        var bootstrap = DatagramBootstrap(group: loop)
        if ipv6Only {
            bootstrap = bootstrap.channelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        let channel =
            try await bootstrap
            .channelOption(.datagramVectorReadMessageCount, value: readBatch)
            // A vector read splits one buffer evenly between its messages: room for a full datagram each.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: readBatch * slotBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
            .bind(host: host, port: port).get()
        for (force, plain) in [(33, SO_RCVBUF), (32, SO_SNDBUF)] {  // SO_RCVBUFFORCE, SO_SNDBUFFORCE
            let forced = ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: CInt(force)))
            do {
                try await channel.setOption(forced, value: socketBufferBytes).get()
            } catch {
                // Without CAP_NET_ADMIN the kernel caps at net.core.[rw]mem_max.
                let capped = ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: CInt(plain)))
                try? await channel.setOption(capped, value: socketBufferBytes).get()
            }
        }
        if receiveOffload {
            do {
                // Room for a whole train in every slot before the kernel may coalesce.
                try await channel.setOption(
                    .recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: readBatch * trainSlotBytes)
                ).get()
                try await channel.setOption(.datagramReceiveSegmentSize, value: true).get()
                try await channel.setOption(.datagramReceiveOffload, value: true).get()
            } catch {
                try? await channel.setOption(.datagramReceiveOffload, value: false).get()
            }
        }
        return channel
    }

    /// Reopens `channel` on its port when it closes while the plane runs (on `loop`).
    private func watch(_ channel: any Channel, ipv6: Bool) {
        channel.closeFuture.whenComplete { _ in
            guard !self.closing else { return }
            self.drop("tailnet_socket_reopened")
            self.logger.error(
                "the tailnet socket was closed after a send error; reopening it on the same port",
                metadata: ["family": .string(ipv6 ? "IPv6" : "IPv4"), "port": "\(self.localAddress?.port ?? 0)"])
            self.reopen(ipv6: ipv6, attempt: 1)
        }
    }

    /// Binds the tailnet port again (bounded retries, one second apart) and puts the new socket in place.
    private func reopen(ipv6: Bool, attempt: Int) {
        let (holder, port, gro) = (self.holder, self.localAddress?.port ?? 0, self.receiveOffload)
        rebind(
            host: ipv6 ? "::" : self.host, port: port, ipv6Only: ipv6, receiveOffload: gro, what: "the tailnet socket",
            handler: { TailnetHandler(holder: holder) }
        ) { channel in
            if ipv6 { self.tailnet6 = channel } else { self.tailnet = channel }
            self.watch(channel, ipv6: ipv6)
        }
    }

    /// Reopens `link`'s loopback socket on its port (WireGuard's endpoint for the peer) when it closes while the peer
    /// is in the plane (on `loop`).
    private func watch(_ link: PeerLink, holder: LinkHolder) {
        let channel = link.channel
        let port = channel.localAddress?.port ?? 0
        channel.closeFuture.whenComplete { _ in
            guard !self.closing, self.links[link.control] === link, link.channel === channel else { return }
            self.drop("loopback_socket_reopened")
            self.logger.error(
                "a peer's loopback socket was closed after a send error; reopening it on the same port",
                metadata: ["peer": "\(link.control.shortDescription)", "port": "\(port)"])
            self.rebind(
                host: "127.0.0.1", port: port, ipv6Only: false, receiveOffload: false, what: "a loopback socket",
                handler: { LoopbackHandler(holder: holder) }
            ) { channel in
                guard self.links[link.control] === link else { return channel.close(promise: nil) }
                link.channel = channel
                self.watch(link, holder: holder)
            }
        }
    }

    /// Binds `host:port` (bounded retries, one second apart) and hands the socket to `install` on `loop`.
    private func rebind(
        host: String, port: Int, ipv6Only: Bool, receiveOffload: Bool, what: String, attempt: Int = 1,
        handler: @escaping @Sendable () -> any ChannelHandler, install: @escaping @Sendable (any Channel) -> Void
    ) {
        let loop = self.loop
        Task {
            do {
                let channel = try await Self.bind(
                    host: host, port: port, ipv6Only: ipv6Only, receiveOffload: receiveOffload, loop: loop,
                    handler: handler)
                loop.execute {
                    guard !self.closing else { return channel.close(promise: nil) }
                    install(channel)
                    self.logger.notice("\(what) is open again", metadata: ["port": "\(port)"])
                }
            } catch {
                guard attempt < 30 else {
                    return self.logger.critical(
                        "cannot reopen \(what); restart tailnet-agent",
                        metadata: ["port": "\(port)", "error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
                loop.execute {
                    self.rebind(
                        host: host, port: port, ipv6Only: ipv6Only, receiveOffload: receiveOffload, what: what,
                        attempt: attempt + 1, handler: handler, install: install)
                }
            }
        }
    }

    /// The tailnet socket that reaches `address` (nil: an IPv6 address and no IPv6 socket).
    private func socket(for address: SocketAddress) -> (any Channel)? {
        if case .v6 = address { return tailnet6 }
        return tailnet
    }

    // MARK: Peers (called by the controller)

    /// Adds a peer: binds its loopback socket and returns its address (WireGuard's endpoint for the peer).
    func addPeer(_ control: PublicKey) async throws -> SocketAddress {
        if let existing = try await loop.submit({ self.links[control]?.channel.localAddress }).get() {
            return existing
        }
        let holder = LinkHolder()
        let channel = try await Self.bind(host: "127.0.0.1", port: 0, loop: loop) {
            LoopbackHandler(holder: holder)
        }
        let link = PeerLink(control: control, channel: channel)
        try await loop.submit {
            holder.plane = self
            holder.link = link
            self.links[control] = link
            self.watch(link, holder: holder)
        }.get()
        return channel.localAddress!
    }

    /// Removes a peer and closes its loopback socket.
    func removePeer(_ control: PublicKey) async {
        let removed = try? await loop.submit { () -> (any Channel)? in
            guard let link = self.links.removeValue(forKey: control) else { return nil }
            self.direct = self.direct.filter { $0.value !== link }
            self.relayed = self.relayed.filter { $0.value !== link }
            return link.channel
        }.get()
        if let channel = removed ?? nil { try? await channel.close().get() }
    }

    /// Sets where `peer`'s packets go and which sources are this peer's (direct addresses, relay sessions).
    func setRoute(
        _ peer: PublicKey, targets: [PathTarget], directSources: [SocketAddress],
        relaySessions: [(SocketAddress, UInt32)]
    ) {
        loop.execute {
            guard let link = self.links[peer] else { return }
            link.targets = targets
            self.direct = self.direct.filter { $0.value !== link }
            self.relayed = self.relayed.filter { $0.value !== link }
            for source in directSources { self.direct[source] = link }
            for (relay, vni) in relaySessions { self.relayed[RelayKey(relay: relay, vni: vni)] = link }
        }
    }

    /// Which peers WireGuard sent to since the last call, every peer's traffic, and the drop counters by reason.
    func poll() async -> (active: Set<PublicKey>, traffic: [PublicKey: TrafficCounters], drops: [String: UInt64]) {
        (try? await loop.submit {
            var active = Set<PublicKey>()
            var traffic: [PublicKey: TrafficCounters] = [:]
            for (key, link) in self.links {
                if link.sawOutbound { active.insert(key) }
                link.sawOutbound = false
                traffic[key] = link.traffic
            }
            return (active, traffic, self.drops)
        }.get()) ?? ([], [:], [:])
    }

    /// How many trains left as one GSO write, and how many GRO trains were delivered to wireguard-go whole.
    func offloadCounts() async -> (sent: UInt64, received: UInt64) {
        (try? await loop.submit { self.trainCounts }.get()) ?? (0, 0)
    }

    /// Drop counters by reason.
    func dropCounts() async -> [String: UInt64] {
        (try? await loop.submit { self.drops }.get()) ?? [:]
    }

    /// Sends a control datagram (probe, relay control, STUN) from the tailnet port.
    func send(_ bytes: [UInt8], to address: SocketAddress) {
        loop.execute {
            guard let socket = self.socket(for: address) else { return self.drop("no_ipv6_socket") }
            var buffer = socket.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            socket.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        }
    }

    /// Sets (or, with nil, clears) how packets go to the fallback relay.
    func setFallback(_ send: (@Sendable (PublicKey, [UInt8]) -> Void)?) {
        loop.execute { self.fallbackSend = send }
    }

    /// Sends `bytes` to `peer` through the fallback relay (dropped, and counted, while it is not connected).
    func sendFallback(_ bytes: [UInt8], to peer: PublicKey) {
        loop.execute {
            guard let send = self.fallbackSend else { return self.drop("fallback_not_connected") }
            send(peer, bytes)
        }
    }

    /// Delivers a packet that came through the fallback relay from `sender`.
    func fromFallback(sender: PublicKey, bytes: [UInt8]) {
        loop.execute {
            let isWireGuard = bytes.withUnsafeBytes { AgentDatagram.classify($0) } == .wireGuard
            guard isWireGuard, let link = self.links[sender] else {
                self.controlContinuation.yield(InboundControl(source: nil, fallbackSender: sender, bytes: bytes))
                return
            }
            var buffer = link.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            link.traffic.received(.fallback, bytes.count)
            link.channel.writeAndFlush(AddressedEnvelope(remoteAddress: self.wireGuard, data: buffer), promise: nil)
        }
    }

    func close() async {
        controlContinuation.finish()
        let channels =
            (try? await loop.submit { () -> [any Channel] in
                self.closing = true
                var channels: [any Channel] = self.links.values.map(\.channel)
                channels.append(self.tailnet)
                if let tailnet6 = self.tailnet6 { channels.append(tailnet6) }
                return channels
            }.get()) ?? []
        for channel in channels { try? await channel.close().get() }
    }

    // MARK: Data path (on `loop`)

    fileprivate func fromTailnet(_ envelope: AddressedEnvelope<ByteBuffer>) {
        if let segmentSize = envelope.metadata?.segmentSize, segmentSize > 0,
            envelope.data.readableBytes > segmentSize
        {
            return fromTailnet(train: envelope.data, segmentSize: segmentSize, source: envelope.remoteAddress)
        }
        fromTailnet(envelope.data, source: envelope.remoteAddress)
    }

    /// One datagram from the tailnet port.
    func fromTailnet(_ datagram: ByteBuffer, source: SocketAddress) {
        var data = datagram
        let kind = data.withUnsafeReadableBytes { AgentDatagram.classify($0) }
        switch kind {
        case .wireGuard:
            guard let link = direct[source] else { return drop("wireguard_unknown_source") }
            link.traffic.received(.direct, data.readableBytes)
            deliver(data, to: link)
        case .relayedWireGuard(let vni):
            guard let link = relayed[RelayKey(relay: source, vni: vni)] else {
                return drop("relayed_unknown_session")
            }
            data.moveReaderIndex(forwardBy: GeneveHeader.size)
            link.traffic.received(.relay, data.readableBytes)
            deliver(data, to: link)
        case .invalid(let reason):
            drop(reason.metricLabel)
        case .stun, .probe, .relayControl:
            controlContinuation.yield(
                InboundControl(source: source, fallbackSender: nil, bytes: Array(data.readableBytesView)))
        }
    }

    func deliver(_ data: ByteBuffer, to link: PeerLink) {
        link.channel.write(AddressedEnvelope(remoteAddress: wireGuard, data: data), promise: nil)
        markDirty(link)
    }

    func markDirty(_ link: PeerLink) {
        if !dirty.contains(where: { $0 === link }) { dirty.append(link) }
    }

    fileprivate func flushDirty() {
        for link in dirty { link.channel.flush() }
        dirty.removeAll(keepingCapacity: true)
    }

    fileprivate func fromWireGuard(_ envelope: AddressedEnvelope<ByteBuffer>, link: PeerLink) {
        link.sawOutbound = true
        let data = envelope.data
        for target in link.targets {
            switch target {
            case .direct(let address):
                guard let socket = socket(for: address) else { drop("no_ipv6_socket"); continue }
                link.traffic.sent(.direct, data.readableBytes)
                if segmentation.contains(socket === tailnet6 ? .tailnet6 : .tailnet) {
                    enqueue(data, target: target, socket: socket, destination: address, vni: nil)
                } else {
                    socket.write(AddressedEnvelope(remoteAddress: address, data: data), promise: nil)
                }
            case .relay(let relay, let vni):
                link.traffic.sent(.relay, data.readableBytes)
                if segmentation.contains(.tailnet) {
                    enqueue(data, target: target, socket: tailnet, destination: relay, vni: vni)
                } else {
                    var framed = tailnet.allocator.buffer(capacity: GeneveHeader.size + data.readableBytes)
                    OutboundTrain.write(data, vni: vni, into: &framed)
                    tailnet.write(AddressedEnvelope(remoteAddress: relay, data: framed), promise: nil)
                }
            case .fallback:
                guard let send = fallbackSend else { drop("fallback_not_connected"); continue }
                link.traffic.sent(.fallback, data.readableBytes)
                send(link.control, Array(data.readableBytesView))
            }
        }
        if link.targets.isEmpty { drop("no_path") }
    }

    fileprivate func flushTailnet() {
        emitTrains()
        tailnet.flush()
        tailnet6?.flush()
    }

    func drop(_ reason: String, count: Int = 1) {
        drops[reason, default: 0] &+= UInt64(count)
    }
}

/// Lets a handler created before the plane exists reach it (set on the loop before the first read matters).
final class PlaneHolder: @unchecked Sendable {
    var plane: DataPlane?
}

final class LinkHolder: @unchecked Sendable {
    var plane: DataPlane?
    var link: PeerLink?
}

private final class TailnetHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let holder: PlaneHolder

    init(holder: PlaneHolder) { self.holder = holder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        holder.plane?.fromTailnet(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        holder.plane?.flushDirty()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (port unreachable from a dead candidate) surface here; the socket stays usable.
    }
}

private final class LoopbackHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let holder: LinkHolder

    init(holder: LinkHolder) { self.holder = holder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let plane = holder.plane, let link = holder.link else { return }
        plane.fromWireGuard(unwrapInboundIn(data), link: link)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        holder.plane?.flushTailnet()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
