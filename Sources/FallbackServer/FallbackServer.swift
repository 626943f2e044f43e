import CoreMetrics
import Fallback
public import FallbackClient
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
import NIOWebSocket
public import RelayCore
import Synchronization

/// The fallback relay: admits tailnet nodes by certificate and relays packets between them by node key over
/// long-lived TCP connections (docs/fallback.md, docs/fallback-protocol.md). It has no listener of its own: it
/// serves connections that an HTTP server upgraded (see ``FallbackHTTPChannel``), so it shares a port with the
/// coordinator or with a small standalone HTTP server.
public final class FallbackServer: Sendable {
    /// Behaviour settings.
    public let configuration: FallbackServerConfiguration
    /// Metrics (render `metrics.telemetry` on `/metrics`).
    public let metrics: FallbackMetrics
    let serverKey: PrivateKey
    let logger: Logger
    private let trust: NIOLockedValueBox<CertificateVerifier>
    private let registry = NIOLockedValueBox(ClientRegistry<ClientHandle>())
    private let pending = NIOLockedValueBox([UInt64: ClientHandle]())
    private let nextConnectionID = Atomic<UInt64>(1)

    /// Creates a server trusting `verifier` (tailnet id, CA keys, revoked serials); update it with
    /// ``updateTrust(_:)``.
    public init(
        configuration: FallbackServerConfiguration = FallbackServerConfiguration(), verifier: CertificateVerifier,
        metrics: FallbackMetrics = FallbackMetrics(), logger: Logger = Logger(label: "fallback"),
        serverKey: PrivateKey = .generate()
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.serverKey = serverKey
        self.trust = NIOLockedValueBox(verifier)
    }

    /// The current trust (a copy).
    public var verifier: CertificateVerifier { trust.withLockedValue { $0 } }

    /// Replaces the trusted CA keys and revoked serials, then disconnects every client whose certificate no longer
    /// verifies (revoked while connected, CA dropped) with a Close frame saying why.
    /// - Returns: how many clients were disconnected.
    @discardableResult
    public func updateTrust(_ verifier: CertificateVerifier) -> Int {
        trust.withLockedValue { $0 = verifier }
        return recheck(now: .now())
    }

    /// Re-checks every connected certificate (expiry, revocation) and disconnects the failing ones.
    @discardableResult
    public func recheck(now: Timestamp) -> Int {
        let verifier = self.verifier
        let failing = registry.withLockedValue { $0.failingRecheck(verifier: verifier, now: now) }
        for (key, entry, notice) in failing {
            logger.info(
                "fallback client disconnected: certificate no longer valid",
                metadata: ["name": "\(entry.certificate.subjectName)", "key": "\(key)", "reason": "\(notice.reason)"])
            entry.handle.close(with: notice)
        }
        return failing.count
    }

    /// Connected (admitted) clients.
    public var clientCount: Int { registry.withLockedValue { $0.count } }

    // MARK: Connections

    /// Adds the fallback handlers to a channel whose HTTP upgrade (or WebSocket handshake) just completed. Runs on
    /// the channel's event loop.
    public func configure(channel: any Channel, transport: FallbackTransport) throws {
        let id = nextConnectionID.add(1, ordering: .relaxed).oldValue
        let handle = ClientHandle(
            connectionID: id, channel: channel, transport: transport, configuration: configuration)
        let connection = ConnectionHandler(server: self, handle: handle)
        handle.attach(connection)
        pending.withLockedValue { $0[id] = handle }
        let pipeline = channel.pipeline.syncOperations
        if transport == .websocket { try pipeline.addHandler(WebSocketByteStream(masking: false)) }
        try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(receiver: .server)))
        try pipeline.addHandler(connection)
        _ = channel.setOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        // One read (≤ 64 KiB) per client per loop turn: a client cannot flood a receiver's queue faster than the
        // receiver's drain gets a turn, and clients share the loop fairly.
        _ = channel.setOption(ChannelOptions.maxMessagesPerRead, value: 1)
        _ = channel.setOption(
            ChannelOptions.writeBufferWaterMark,
            value: ChannelOptions.Types.WriteBufferWaterMark(low: 32 << 10, high: 128 << 10))
    }

    func admit(_ handle: ClientHandle, key: PublicKey, certificate: TailnetCertificate, watches: Bool) {
        let entry = ClientRegistry<ClientHandle>.Entry(
            connectionID: handle.connectionID, handle: handle, certificate: certificate, admittedAt: .now(),
            watches: watches)
        let (arrival, count) = registry.withLockedValue { registry in
            let arrival = registry.add(key: key, entry: entry)
            return (arrival, registry.count)
        }
        metrics.admitted.increment()
        metrics.clients.record(count)
        logger.debug(
            "fallback client admitted",
            metadata: ["name": "\(certificate.subjectName)", "key": "\(key)", "remote": "\(handle.remote)"])
        if let replaced = arrival.replaced {
            replaced.close(
                with: CloseNotice(
                    reason: .replaced,
                    message: "a newer connection authenticated with key \(key.shortDescription); only one connection "
                        + "per node key is served"))
        }
        for watcher in arrival.notify { watcher.enqueue(.peerPresent(key)) }
        for peer in arrival.present { handle.enqueue(.peerPresent(peer)) }
    }

    func watch(_ handle: ClientHandle, key: PublicKey) {
        guard let present = registry.withLockedValue({ $0.watch(key: key, connectionID: handle.connectionID) }) else {
            return
        }
        for peer in present { handle.enqueue(.peerPresent(peer)) }
    }

    func lookup(_ destination: PublicKey, sender: PublicKey) -> ClientHandle? {
        registry.withLockedValue { registry in
            guard let handle = registry.handle(for: destination) else { return nil }
            registry.noteSender(sender, to: destination)
            return handle
        }
    }

    func connectionClosed(_ handle: ClientHandle, key: PublicKey?, reason: String) {
        pending.withLockedValue { $0[handle.connectionID] = nil }
        metrics.disconnected(reason)
        guard let key else { return }
        let (notify, count) = registry.withLockedValue { registry in
            (registry.remove(key: key, connectionID: handle.connectionID), registry.count)
        }
        metrics.clients.record(count)
        guard let notify else { return }
        for peer in notify {
            metrics.peerGone(.disconnected)
            peer.enqueue(.peerGone(key, .disconnected))
        }
    }

    /// Closes every connection with `Close(shuttingDown)`, asking clients to come back after `retryAfter`.
    public func closeAll(retryAfter: Duration = .seconds(1)) {
        let handles = pending.withLockedValue { Array($0.values) }
        let millis = UInt32(clamping: retryAfter.nanoseconds / 1_000_000)
        for handle in handles {
            handle.close(
                with: CloseNotice(
                    reason: .shuttingDown, retryAfterMillis: millis, message: "the fallback server is shutting down"))
        }
    }

    // MARK: Debug

    /// The connected nodes, by certificate name (`/debug/fallback`).
    public func debugListing() -> FallbackDebugListing {
        let entries = registry.withLockedValue { $0.allEntries }
        let nodes = entries.map { key, entry in
            FallbackDebugListing.Node(
                name: entry.certificate.subjectName, nodeID: entry.certificate.subjectID, key: key.base64,
                serial: entry.certificate.serial, certificateNotAfter: entry.certificate.notAfter,
                connectedAt: entry.admittedAt.unixSeconds, remote: entry.handle.remote,
                transport: entry.handle.transport.rawValue, watches: entry.watches,
                packetsIn: entry.handle.stats.packetsIn.load(ordering: .relaxed),
                packetsOut: entry.handle.stats.packetsOut.load(ordering: .relaxed),
                bytesIn: entry.handle.stats.bytesIn.load(ordering: .relaxed),
                bytesOut: entry.handle.stats.bytesOut.load(ordering: .relaxed),
                dropped: entry.handle.stats.dropped.load(ordering: .relaxed), queued: entry.handle.queuedCount)
        }.sorted { ($0.name, $0.key) < ($1.name, $1.key) }
        return FallbackDebugListing(
            region: configuration.region, serverKey: serverKey.publicKey.base64, clients: nodes.count, nodes: nodes)
    }
}
