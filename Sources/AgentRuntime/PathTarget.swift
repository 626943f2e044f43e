import NIOCore
import RelayCore

/// Where the data plane sends a peer's packets: a direct UDP address, a relay session, or the fallback relay.
enum PathTarget: Hashable, Sendable {
    case direct(SocketAddress)
    case relay(SocketAddress, vni: UInt32)
    case fallback
}

/// A datagram the data plane hands to the controller (everything that is not WireGuard data).
struct InboundControl: Sendable {
    /// Where it came from: a UDP source address, or nil when it came through the fallback relay.
    var source: SocketAddress?
    /// For fallback packets: the sender's key as the fallback relay authenticated it.
    var fallbackSender: PublicKey?
    var bytes: [UInt8]
}
