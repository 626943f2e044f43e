import Agent
import NIOCore
import RelayCore

/// One peer in the data plane: its loopback socket (WireGuard's endpoint for the peer) and where its packets go.
/// Touched only on the data plane's event loop.
final class PeerLink: @unchecked Sendable {
    let control: PublicKey
    var channel: any Channel
    var targets: [PathTarget] = []
    /// WireGuard sent something since the controller last looked.
    var sawOutbound = false
    var traffic = TrafficCounters()

    init(control: PublicKey, channel: any Channel) {
        self.control = control
        self.channel = channel
    }
}

/// Packets and bytes each way, by path kind.
struct TrafficCounters: Sendable {
    var packetsOut: [PathKind: UInt64] = [:]
    var bytesOut: [PathKind: UInt64] = [:]
    var packetsIn: [PathKind: UInt64] = [:]
    var bytesIn: [PathKind: UInt64] = [:]

    mutating func sent(_ kind: PathKind, _ bytes: Int) {
        packetsOut[kind, default: 0] &+= 1
        bytesOut[kind, default: 0] &+= UInt64(bytes)
    }

    mutating func received(_ kind: PathKind, _ bytes: Int, packets: Int = 1) {
        packetsIn[kind, default: 0] &+= UInt64(packets)
        bytesIn[kind, default: 0] &+= UInt64(bytes)
    }
}
