import Agent
import Logging
import NIOCore
import RelayCore
import RelayNIO
import Tailnet

extension AgentController {
    /// Handles one non-WireGuard datagram from the tailnet port or the fallback relay.
    func handle(_ inbound: InboundControl) {
        let kind = inbound.bytes.withUnsafeBytes { AgentDatagram.classify($0) }
        logger.trace("control datagram \(kind) from \(inbound.source.map { "\($0)" } ?? "fallback")")
        switch kind {
        case .stun:
            handleSTUN(inbound.bytes)
        case .relayControl(let vni, let sender):
            handleRelayControl(inbound.bytes, vni: vni, sender: sender)
        case .probe(let vni, let sender):
            handleProbe(inbound, vni: vni, sender: sender)
        case .wireGuard, .relayedWireGuard, .invalid:
            dropped("unexpected_control")
        }
    }

    func handleProbe(_ inbound: InboundControl, vni: UInt32, sender: PublicKey) {
        guard peers[sender] != nil else { return dropped("probe_from_unknown_peer") }
        if let fallbackSender = inbound.fallbackSender, fallbackSender != sender {
            return dropped("probe_sender_mismatch")
        }
        let opened: ControlMessage
        do {
            opened = try inbound.bytes.withUnsafeBytes { raw throws(ProbeError) in
                try codec.open(raw, expectedSender: sender).message
            }
        } catch {
            return dropped("probe_unopenable")
        }
        let now = MonotonicClock.now()
        let arrival: PathKind = inbound.source == nil ? .fallback : (vni == 0 ? .direct : .relay)
        switch opened {
        case .ping(let ping):
            let observed = inbound.source.flatMap(EndpointAddress.init) ?? EndpointAddress(ipv4: 0, port: 0)
            let pong = ControlMessage.pong(PongMessage(transactionID: ping.transactionID, observedSource: observed))
            guard let bytes = try? codec.seal(pong, to: sender, vni: vni) else { return }
            if let source = inbound.source {
                plane.send(bytes, to: source)
                if vni == 0, let endpoint = EndpointAddress(source) {
                    peers[sender]?.paths.handleDirectPing(from: endpoint, now: now)
                }
            } else {
                plane.sendFallback(bytes, to: sender)
            }
        case .pong(let pong):
            if var cli = cliPings.removeValue(forKey: pong.transactionID) {
                let rtt = now - cli.sentAt
                for (id, other) in cliPings where other.group == cli.group { cliPings[id] = nil }
                cli.waiter?.resume(returning: (cli.path, rtt))
                cli.waiter = nil
            }
            if let actions = peers[sender]?.paths.handlePong(pong.transactionID, via: arrival, now: now) {
                perform(actions, peer: sender)
                pushRoutes(now: now)
            }
        case .callMeMaybe(let message):
            guard let actions = peers[sender]?.paths.handleCallMeMaybe(message.endpoints, now: now) else { return }
            perform(actions, peer: sender)
            pushRoutes(now: now)
        default:
            dropped("probe_not_a_probe")
        }
    }

    func handleRelayControl(_ bytes: [UInt8], vni: UInt32, sender: PublicKey) {
        guard let relay = relays.values.first(where: { $0.key == sender }) else {
            return dropped("control_from_unknown_relay")
        }
        let message: ControlMessage
        do {
            message = try bytes.withUnsafeBytes { raw throws(DropReason) in
                try DatagramParser.openControl(raw, key: relay.shared)
            }
        } catch {
            return dropped("relay_control_unopenable")
        }
        let key: RelayReplyKey
        switch message {
        case .allocateResponse(let response): key = .allocate(relay: sender, generation: response.generation)
        case .challenge(let challenge):
            key = .bind(relay: sender, vni: challenge.vni, generation: challenge.generation)
        case .error(let error):
            key =
                vni == 0
                ? .allocate(relay: sender, generation: error.generation)
                : .bind(relay: sender, vni: vni, generation: error.generation)
        default:
            return dropped("relay_control_unexpected")
        }
        pendingRelayReplies.removeValue(forKey: key)?.resume(returning: message)
    }

    /// Sends `datagram` to the relay and waits up to `timeout` for the reply registered under `key`.
    func request(_ key: RelayReplyKey, _ datagram: [UInt8], to address: SocketAddress, timeout: Duration) async
        -> ControlMessage?
    {
        await withCheckedContinuation { continuation in
            pendingRelayReplies[key]?.resume(returning: nil)
            pendingRelayReplies[key] = continuation
            plane.send(datagram, to: address)
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(key)
            }
        }
    }

    func expire(_ key: RelayReplyKey) {
        pendingRelayReplies.removeValue(forKey: key)?.resume(returning: nil)
    }

    /// Allocates and binds a session with `peer` through the relay, from the tailnet port (so the relay binds the
    /// same NAT mapping the data uses), and reports the result to the peer's path logic.
    func allocate(relayID: String, peer: PublicKey) async {
        let outcome = await allocateSession(relayID: relayID, peer: peer)
        let now = MonotonicClock.now()
        switch outcome {
        case .success(let (vni, idle)):
            peers[peer]?.paths.relayReady(relayID, vni: vni, idleTimeout: idle, now: now)
            logger.debug("relay \(relayID): session \(vni) with \(peer) bound")
        case .failure(let failure):
            guard peers[peer] != nil else { return }
            perform(peers[peer]!.paths.relayFailed(relayID, failure, now: now), peer: peer)
            logger.info("relay \(relayID) for \(peers[peer]?.info.name ?? "?"): \(failure)")
        }
        pushRoutes(now: now)
    }

    func allocateSession(relayID: String, peer: PublicKey) async -> Result<(UInt32, Duration), RelayFailure> {
        guard let relay = relays[relayID] else { return .failure(.other("relay left the netmap")) }
        let endpoint = EndpointAddress(relay.address)?.description ?? "\(relay.address)"
        let header0 = GeneveHeader(isControl: true, protocolType: .control, vni: 0)
        var allocated: AllocateResponseMessage?
        for _ in 1...3 where allocated == nil {
            let generation = UInt32.random(in: 1...UInt32.max)
            let datagram = ControlMessage.allocate(
                AllocateMessage(generation: generation, peerKey: peer, certificate: certificate)
            ).sealedDatagram(header: header0, sender: identity.controlKey.publicKey, key: relay.shared)
            switch await request(
                .allocate(relay: relay.key, generation: generation), datagram, to: relay.address, timeout: .seconds(1))
            {
            case .allocateResponse(let response)?: allocated = response
            case .error(let error)?: return .failure(.refused(code: error.rawCode, message: error.message))
            default: continue
            }
        }
        guard let allocated, (1...GeneveHeader.maximumVNI).contains(allocated.vni) else {
            return .failure(.noAnswer(endpoint: endpoint))
        }
        let header = GeneveHeader(isControl: true, protocolType: .control, vni: allocated.vni)
        for _ in 1...3 {
            let generation = UInt32.random(in: 1...UInt32.max)
            let bind = BindMessage(vni: allocated.vni, generation: generation, remoteKey: peer)
            let datagram = ControlMessage.bind(bind).sealedDatagram(
                header: header, sender: identity.controlKey.publicKey, key: relay.shared)
            let key = RelayReplyKey.bind(relay: relay.key, vni: allocated.vni, generation: generation)
            switch await request(key, datagram, to: relay.address, timeout: .seconds(1)) {
            case .challenge(let challenge)?:
                let answer = ControlMessage.answer(challenge).sealedDatagram(
                    header: header, sender: identity.controlKey.publicKey, key: relay.shared)
                plane.send(answer, to: relay.address)
                return .success((allocated.vni, .seconds(Int64(allocated.idleTimeoutSeconds))))
            case .error(let error)?:
                return .failure(.refused(code: error.rawCode, message: error.message))
            default:
                continue
            }
        }
        return .failure(.noAnswer(endpoint: endpoint))
    }
}
