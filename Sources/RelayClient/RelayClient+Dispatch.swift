import NIOConcurrencyHelpers
import NIOCore
import RelayCore
import RelayNIO

extension RelayClient {
    /// Reads `socket` until it closes and routes each datagram.
    func startDispatching(_ socket: DatagramSocket) {
        let task = Task { [self] in
            for await datagram in socket.inbound {
                dispatch(datagram, replyVia: socket)
            }
        }
        state.withLockedValue { $0.dispatchers.append(task) }
    }

    func dispatch(_ datagram: ReceivedDatagram, replyVia socket: DatagramSocket) {
        let received = ContinuousClock.now
        guard datagram.source == relay.address else { return drop("notFromRelay") }
        let classified: RelayCore.Datagram
        do {
            classified = try datagram.bytes.withUnsafeBytes { bytes throws(DropReason) in
                try DatagramParser.classify(bytes)
            }
        } catch {
            return drop("malformed")
        }
        switch classified.kind {
        case .control(let sender):
            guard sender == relay.publicKey else { return drop("controlNotFromRelayKey") }
            handleRelayControl(datagram.bytes, vni: classified.vni)
        case .data:
            guard let session = state.withLockedValue({ $0.sessions[classified.vni] }) else {
                return drop("unknownSession")
            }
            if classified.header.protocolType == .wireGuard {
                session.receivedContinuation.yield(Array(datagram.bytes[GeneveHeader.size...]))
            } else {
                handleEndToEnd(datagram, session: session, received: received, socket: socket)
            }
        }
    }

    private func handleRelayControl(_ bytes: [UInt8], vni: UInt32) {
        let message: ControlMessage
        do {
            message = try bytes.withUnsafeBytes { raw throws(DropReason) in
                try DatagramParser.openControl(raw, key: relayKey)
            }
        } catch {
            return drop("unopenable")
        }
        let delivered: Bool
        switch message {
        case .allocateResponse(let response):
            delivered = pending.deliver(.allocated(response), for: .allocate(generation: response.generation))
        case .challenge(let challenge):
            delivered = pending.deliver(
                .challenge(challenge), for: .bind(vni: challenge.vni, generation: challenge.generation))
        case .error(let error):
            let key: ReplyKey =
                vni == 0 ? .allocate(generation: error.generation) : .bind(vni: vni, generation: error.generation)
            delivered =
                pending.deliver(.refused(error), for: key)
                || (vni != 0 && endSession(vni: vni, error))
        default:
            delivered = false
        }
        if !delivered { drop("unsolicited") }
    }

    private func handleEndToEnd(
        _ datagram: ReceivedDatagram, session: RelaySession, received: ContinuousClock.Instant, socket: DatagramSocket
    ) {
        let message: ControlMessage
        do {
            message = try datagram.bytes.withUnsafeBytes { raw throws(DropReason) in
                let envelope = UnsafeRawBufferPointer(rebasing: raw[GeneveHeader.size...])
                guard try SealedEnvelope.peekSender(envelope) == session.allocation.peer else {
                    throw DropReason.unexpectedMessage
                }
                return try DatagramParser.openEnvelope(envelope, key: session.peerKey)
            }
        } catch {
            return drop("unopenableEndToEnd")
        }
        switch message {
        case .ping(let ping):
            guard let observed = EndpointAddress(datagram.source) else { return }
            let pong = ControlMessage.pong(PongMessage(transactionID: ping.transactionID, observedSource: observed))
            let reply = pong.sealedDatagram(
                header: GeneveHeader(isControl: false, protocolType: .control, vni: session.vni),
                sender: identity.publicKey, key: session.peerKey)
            socket.sendNow(reply, to: relay.address)
        case .pong(let pong):
            if !pending.deliver(.pong(pong, at: received), for: .pong(pong.transactionID)) { drop("latePong") }
        default:
            drop("unexpectedEndToEnd")
        }
    }

    /// An unprompted Error on a session VNI: the relay ended the session (e.g. a certificate was revoked).
    private func endSession(vni: UInt32, _ error: RelayErrorMessage) -> Bool {
        guard let session = state.withLockedValue({ $0.sessions.removeValue(forKey: vni) }) else { return false }
        session.end(.refused(step: "session", code: error.rawCode, message: error.message))
        return true
    }

    func drop(_ reason: String) {
        state.withLockedValue { $0.dropped[reason, default: 0] += 1 }
    }
}
