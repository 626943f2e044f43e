public import RelayCore

/// Seals and opens end-to-end probes (Ping, Pong, CallMeMaybe) between this node's control key and its peers'
/// (PROTOCOL.md §5, §8). Only the peer holding the private key can answer a Ping, so a Pong proves the path reaches
/// that peer. Shared keys are computed once per peer and cached.
public struct ProbeCodec: Sendable {
    /// This node's control key (the key of its node certificate).
    public let privateKey: PrivateKey
    private var keys: [PublicKey: SharedKey] = [:]

    /// A codec for `privateKey`.
    public init(privateKey: PrivateKey) {
        self.privateKey = privateKey
    }

    /// The complete datagram: Geneve (O = 0, protocol 0x7A11, `vni`) and the sealed message to `peer`.
    public mutating func seal(_ message: ControlMessage, to peer: PublicKey, vni: UInt32 = 0) throws(ProbeError)
        -> [UInt8]
    {
        switch message {
        case .ping, .pong, .callMeMaybe: break
        default: throw .notAProbe(message.type)
        }
        let key = try sharedKey(peer)
        return message.sealedDatagram(
            header: GeneveHeader(isControl: false, protocolType: .control, vni: vni), sender: privateKey.publicKey,
            key: key)
    }

    /// Opens a datagram classified as `.probe`: the sender must be `expectedSender` when given (the peer the path
    /// belongs to), the box must open, and the message must be a Ping, Pong or CallMeMaybe.
    public mutating func open(_ datagram: UnsafeRawBufferPointer, expectedSender: PublicKey? = nil) throws(ProbeError)
        -> (sender: PublicKey, message: ControlMessage)
    {
        guard datagram.count >= GeneveHeader.size else { throw .dropped(.tooShort) }
        let envelope = UnsafeRawBufferPointer(rebasing: datagram[GeneveHeader.size...])
        let sender: PublicKey
        do { sender = try SealedEnvelope.peekSender(envelope) } catch { throw .dropped(error) }
        if let expectedSender, sender != expectedSender { throw .unexpectedSender(sender) }
        let key = try sharedKey(sender)
        let message: ControlMessage
        do { message = try DatagramParser.openEnvelope(envelope, key: key) } catch { throw .dropped(error) }
        switch message {
        case .ping, .pong, .callMeMaybe: return (sender, message)
        default: throw .notAProbe(message.type)
        }
    }

    /// Forgets the cached key of a peer that left the netmap.
    public mutating func forget(_ peer: PublicKey) {
        keys[peer] = nil
    }

    private mutating func sharedKey(_ peer: PublicKey) throws(ProbeError) -> SharedKey {
        if let key = keys[peer] { return key }
        guard let key = privateKey.sharedKey(with: peer) else { throw .unusableKey(peer) }
        keys[peer] = key
        return key
    }
}

/// A probe that could not be sealed or was dropped on arrival.
public enum ProbeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Framing or box failure (counted by reason).
    case dropped(DropReason)
    /// Sealed by a key other than the path's peer.
    case unexpectedSender(PublicKey)
    /// A relay control message where a probe belongs.
    case notAProbe(ControlMessage.MessageType)
    /// The peer key is a low-order point.
    case unusableKey(PublicKey)

    public var description: String {
        switch self {
        case .dropped(let reason): "probe dropped: \(reason)"
        case .unexpectedSender(let key): "probe sealed by \(key), not by the peer of this path"
        case .notAProbe(let type): "message type \(type) is not a Ping, Pong or CallMeMaybe"
        case .unusableKey(let key): "peer control key \(key.base64) is not a usable X25519 key; check the netmap"
        }
    }
}
