import NIOCore
import RelayCore

extension EndpointAddress {
    /// The endpoint of a NIO socket address (IPv4 becomes v4-mapped). Nil for Unix domain sockets.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4): self.init(v4.address)
        case .v6(let v6): self.init(v6.address)
        case .unixDomainSocket: return nil
        }
    }

    /// The NIO socket address for sending to this endpoint (allocates: cache it on hot paths).
    var socketAddress: SocketAddress {
        if let v4 = sockaddrIn {
            return SocketAddress(v4, host: "")
        }
        return SocketAddress(sockaddrIn6, host: "")
    }

    /// The transport a datagram to this endpoint leaves by.
    var transport: Transport { isIPv4 ? .udp4 : .udp6 }
}
