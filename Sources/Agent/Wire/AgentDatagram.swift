public import RelayCore

/// What arrived on the node's shared tailnet UDP port (PROTOCOL.md §8), told apart by the first bytes only.
public enum AgentDatagram: Hashable, Sendable {
    /// A STUN message (a Binding Response to our request, or a request to answer).
    case stun
    /// A sealed end-to-end probe (Ping/Pong/CallMeMaybe) from `sender`; VNI 0 direct, else through a relay session.
    case probe(vni: UInt32, sender: PublicKey)
    /// A relay control message (O = 1) from the relay key `sender` (AllocateResponse, Challenge, Error).
    case relayControl(vni: UInt32, sender: PublicKey)
    /// A WireGuard packet through a relay session; the payload starts after the 8-byte Geneve header.
    case relayedWireGuard(vni: UInt32)
    /// A WireGuard packet sent directly (unframed).
    case wireGuard
    /// Anything else; counted and dropped.
    case invalid(DropReason)

    /// Smallest WireGuard message (a keepalive: type 4 header, counter and tag).
    public static let minimumWireGuardSize = 32

    /// Classifies a datagram without allocating.
    public static func classify(_ datagram: UnsafeRawBufferPointer) -> AgentDatagram {
        guard datagram.count >= 4 else { return .invalid(.tooShort) }
        if (1...4).contains(datagram[0]), datagram[1] == 0, datagram[2] == 0, datagram[3] == 0 {
            return datagram.count >= minimumWireGuardSize ? .wireGuard : .invalid(.tooShort)
        }
        if STUNMessage.looksLikeSTUN(datagram) { return .stun }
        do {
            let classified = try DatagramParser.classify(datagram)
            switch classified.kind {
            case .control(let sender):
                return .relayControl(vni: classified.vni, sender: sender)
            case .data:
                if classified.header.protocolType == .wireGuard { return .relayedWireGuard(vni: classified.vni) }
                let envelope = UnsafeRawBufferPointer(rebasing: datagram[GeneveHeader.size...])
                return .probe(vni: classified.vni, sender: try SealedEnvelope.peekSender(envelope))
            }
        } catch {
            return .invalid(error)
        }
    }
}
