import NIOCore
import RelayCore
import RelayNIO

extension RelayDataPlane {
    /// Sends datagrams the relay originates (the sealed Errors of ended sessions) from a socket of the
    /// destination's address family. Off the hot path: allocates, and runs rarely.
    func sendUnprompted(_ datagrams: [OutboundDatagram]) {
        #if os(Linux)
            if let batched {
                for datagram in datagrams { batched.send(datagram.bytes, to: datagram.destination) }
                return
            }
        #endif
        for datagram in datagrams {
            let wantIPv4 = datagram.destination.isIPv4
            let channel = channels.first { channel in
                if case .v4 = channel.localAddress { return wantIPv4 }
                return !wantIPv4
            }
            guard let channel else { continue }
            let buffer = channel.allocator.buffer(bytes: datagram.bytes)
            channel.writeAndFlush(
                AddressedEnvelope(remoteAddress: datagram.destination.socketAddress, data: buffer), promise: nil)
        }
    }
}
