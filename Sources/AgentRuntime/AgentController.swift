import Agent
import Logging
import NIOCore
import RelayCore
import RelayNIO
import Tailnet

/// The agent's brain: one `PeerPaths` per peer, fed by the netmap, the data plane's control datagrams and a
/// 100 ms tick; it carries out their actions (probes, relay allocations, CallMeMaybe) and pushes each peer's data
/// paths to the data plane. Decisions are `PeerPaths`'s; this actor only moves bytes and time.
actor AgentController {
    let identity: AgentIdentity
    let plane: DataPlane
    let wireGuard: WireGuardDevice
    let metrics: AgentMetrics
    let logger: Logger
    var codec: ProbeCodec
    var policy: PathPolicy
    /// Forced path kinds by peer name ("*" for all peers).
    var forced: [String: PathKind]
    var peers: [PublicKey: PeerEntry] = [:]
    var relays: [String: RelayEntry] = [:]
    var fallbackRegion: String?
    /// The fallback relay the netmap names (the URL of its first `fallbackRelays` entry).
    var fallbackURL: String?
    /// Whether the fallback client is admitted now.
    var fallbackConnected = false
    var certificate: [UInt8]
    /// This node's direct endpoints: interface addresses and STUN-reflexive addresses, with the tailnet port.
    var endpoints: [EndpointAddress] = []
    /// Which interface addresses are direct candidates.
    let candidateFilter: CandidateFilter
    var pendingRelayReplies: [RelayReplyKey: CheckedContinuation<ControlMessage?, Never>] = [:]
    var pendingSTUN: [STUNTransactionID: String] = [:]
    var reflexive: [String: EndpointAddress] = [:]
    var cliPings: [TransactionID: CLIPing] = [:]
    var lastTraffic: [PublicKey: TrafficCounters] = [:]
    /// The data plane's drop counters as last exported to metrics.
    var lastPlaneDrops: [String: UInt64] = [:]
    /// The tailnet CA keys and revocations of the last netmap: relays are checked against them.
    var trust: CertificateVerifier?
    /// Relays whose certificates do not check out (relay id → why), and when that was last computed.
    var relayRefusals: [String: String] = [:]
    var relayRefusalsCheckedAt: Timestamp?

    struct PeerEntry {
        var info: NetmapPeer
        var wireGuardKey: PublicKey
        var loopback: SocketAddress
        var paths: PeerPaths
        var traffic = TrafficCounters()
    }

    struct RelayEntry {
        var info: RelayInfo
        var address: SocketAddress
        var key: PublicKey
        var shared: SharedKey
    }

    struct CLIPing {
        var path: PathID
        var sentAt: Timestamp
        var waiter: CheckedContinuation<(PathID, Duration)?, Never>?
        var group: Int
    }

    enum RelayReplyKey: Hashable {
        case allocate(relay: PublicKey, generation: UInt32)
        case bind(relay: PublicKey, vni: UInt32, generation: UInt32)
    }

    init(
        identity: AgentIdentity, plane: DataPlane, wireGuard: WireGuardDevice, policy: PathPolicy,
        forced: [String: PathKind], excludedInterfaces: [InterfacePattern] = [], metrics: AgentMetrics, logger: Logger
    ) {
        self.candidateFilter = CandidateFilter(ownInterface: wireGuard.interface, excluded: excludedInterfaces)
        self.identity = identity
        self.plane = plane
        self.wireGuard = wireGuard
        self.policy = policy
        self.forced = forced
        self.metrics = metrics
        self.logger = logger
        self.codec = ProbeCodec(privateKey: identity.controlKey)
        self.certificate = identity.certificateBytes
    }

    // MARK: Netmap

    /// Brings peers, relays, WireGuard and the data plane in step with `netmap`.
    func apply(_ netmap: Netmap) async {
        let now = MonotonicClock.now()
        if let renewed = Sodium.decodeBase64(netmap.selfNode.certificate), !renewed.isEmpty {
            adoptCertificate(renewed)
        }
        trust = CertificateVerifier(
            trustedCAs: netmap.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) },
            tailnetID: netmap.tailnetID, revokedSerials: Set(netmap.revokedSerials))
        relays = [:]
        for relay in netmap.relays {
            guard let key = PublicKey(base64: relay.publicKey), let shared = identity.controlKey.sharedKey(with: key),
                let endpoint = relay.endpoints.lazy.compactMap(EndpointAddress.init).first(where: \.isIPv4),
                let address = Optional(endpoint.socketAddress)
            else {
                logger.warning("relay \(relay.name) has no usable IPv4 endpoint or key; skipped")
                continue
            }
            relays[relay.id] = RelayEntry(info: relay, address: address, key: key, shared: shared)
        }
        fallbackRegion = netmap.fallbackRelays.first?.region
        fallbackURL = netmap.fallbackRelays.first?.url
        // A relay's revision is what the node reaches it by: a republished key or endpoint resets its retry backoff.
        let relayList = netmap.relays.compactMap { relay in
            relays[relay.id].map {
                (id: relay.id, name: relayName(relay), revision: "\(relay.publicKey) \($0.address)")
            }
        }
        relayRefusals = checkRelayCertificates()
        var seen = Set<PublicKey>()
        for peer in netmap.peers {
            guard let control = PublicKey(base64: peer.publicKey),
                let wireGuardKey = peer.wireGuardKey.flatMap({ PublicKey(base64: $0) })
            else { continue }
            seen.insert(control)
            if peers[control] == nil {
                do {
                    let loopback = try await plane.addPeer(control)
                    var paths = PeerPaths(peer: control, policy: policy, forced: forced[peer.name] ?? forced["*"])
                    paths.setFallbackConnected(fallbackConnected)
                    peers[control] = PeerEntry(info: peer, wireGuardKey: wireGuardKey, loopback: loopback, paths: paths)
                    logger.info("peer \(peer.name) (\(peer.address)) added")
                } catch {
                    logger.error("cannot open the loopback socket for peer \(peer.name): \(error)")
                    continue
                }
            }
            peers[control]?.info = peer
            peers[control]?.wireGuardKey = wireGuardKey
            let direct = peer.endpoints.compactMap(EndpointAddress.init)
            var actions = peers[control]!.paths.setCandidates(
                direct: direct, relays: relayList, fallback: fallbackRegion, now: now)
            actions += peers[control]!.paths.setRelayRefusals(relayRefusals, now: now)
            perform(actions, peer: control)
        }
        for (control, entry) in peers where !seen.contains(control) {
            var paths = entry.paths
            perform(paths.setCandidates(direct: [], relays: [], fallback: nil, now: now), peer: control)
            peers[control] = nil
            codec.forget(control)
            await plane.removePeer(control)
            logger.info("peer \(entry.info.name) left the netmap; its paths ended")
        }
        do {
            try wireGuard.setPeers(
                peers.values.map {
                    WireGuardPeer(
                        publicKey: $0.wireGuardKey, endpoint: EndpointAddress($0.loopback)!,
                        allowedIPs: ["\($0.info.address)/32"])
                })
        } catch {
            logger.error("\(error)")
        }
        pushRoutes(now: now)
    }

    /// The fallback client was admitted or lost its connection: every peer's policy hears it.
    func setFallbackConnected(_ connected: Bool) {
        guard connected != fallbackConnected else { return }
        fallbackConnected = connected
        logger.info("fallback relay \(connected ? "connected" : "disconnected")")
        for control in peers.keys { peers[control]!.paths.setFallbackConnected(connected) }
        pushRoutes(now: MonotonicClock.now())
    }

    func relayName(_ relay: RelayInfo) -> String {
        relay.replica == 0 ? relay.name : "\(relay.name)-\(relay.replica)"
    }

    // MARK: Time

    /// One tick: note WireGuard activity, run every peer's path logic, carry out its actions, push routes.
    func tick() async {
        let (active, traffic, drops) = await plane.poll()
        let now = MonotonicClock.now()
        for (reason, count) in drops where count > lastPlaneDrops[reason, default: 0] {
            metrics.dropped(reason, count: count - lastPlaneDrops[reason, default: 0])
            lastPlaneDrops[reason] = count
        }
        for (control, counters) in traffic {
            metrics.record(traffic: counters, previous: lastTraffic[control])
            lastTraffic[control] = counters
            peers[control]?.traffic = counters
        }
        recheckRelayCertificates(now: now)
        for control in peers.keys {
            if active.contains(control) { peers[control]!.paths.noteOutbound(at: now) }
            let actions = peers[control]!.paths.tick(at: now)
            perform(actions, peer: control)
        }
        pushRoutes(now: now)
    }

    func pushRoutes(now: Timestamp) {
        for (control, entry) in peers {
            let targets = entry.paths.dataPaths(at: now).compactMap { target(for: $0, of: entry) }
            var directSources: [SocketAddress] = []
            var sessions: [(SocketAddress, UInt32)] = []
            for candidate in entry.paths.candidates.values {
                switch candidate.id {
                case .direct(let endpoint):
                    directSources.append(endpoint.socketAddress)
                case .relay(let id):
                    if let vni = candidate.relay?.vni, let relay = relays[id] { sessions.append((relay.address, vni)) }
                case .fallback:
                    break
                }
            }
            plane.setRoute(control, targets: targets, directSources: directSources, relaySessions: sessions)
        }
    }

    func target(for path: PathID, of entry: PeerEntry) -> PathTarget? {
        switch path {
        case .direct(let endpoint):
            return .direct(endpoint.socketAddress)
        case .relay(let id):
            guard let relay = relays[id], let vni = entry.paths.candidates[path]?.relay?.vni else { return nil }
            return .relay(relay.address, vni: vni)
        case .fallback:
            return .fallback
        }
    }

    // MARK: Actions

    func perform(_ actions: [PathAction], peer control: PublicKey) {
        for action in actions {
            switch action {
            case .ping(let path, let transaction):
                sendProbe(.ping(PingMessage(transactionID: transaction)), on: path, to: control)
            case .callMeMaybe:
                guard !endpoints.isEmpty, let region = fallbackRegion else { continue }
                sendProbe(.callMeMaybe(CallMeMaybeMessage(endpoints: endpoints)), on: .fallback(region), to: control)
            case .allocateRelay(let relayID):
                Task { await self.allocate(relayID: relayID, peer: control) }
            case .switched(let change):
                let name = peers[control]?.info.name ?? control.shortDescription
                logger.info("peer \(name): path \(change)")
                metrics.switched(change)
            }
        }
    }

    /// Seals `message` for `control` and sends it on `path`.
    func sendProbe(_ message: ControlMessage, on path: PathID, to control: PublicKey) {
        guard let entry = peers[control] else { return }
        let vni: UInt32
        if case .relay = path {
            guard let session = entry.paths.candidates[path]?.relay?.vni else { return }
            vni = session
        } else {
            vni = 0
        }
        let bytes: [UInt8]
        do { bytes = try codec.seal(message, to: control, vni: vni) } catch {
            logger.warning("cannot seal a probe for \(entry.info.name): \(error)")
            return
        }
        switch target(for: path, of: entry) {
        case .direct(let address)?: plane.send(bytes, to: address)
        case .relay(let address, _)?: plane.send(bytes, to: address)
        case .fallback?: plane.sendFallback(bytes, to: control)
        case nil: break
        }
    }
}

extension AgentController {
    /// Counts (and logs at debug level) a datagram the agent ignored.
    func dropped(_ reason: String) {
        metrics.dropped(reason)
        logger.debug("dropped datagram: \(reason)")
    }
}
