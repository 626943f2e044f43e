public import NIOCore
public import RelayCore

extension EndpointAddress {
    /// The endpoint of a NIO socket address (IPv4 becomes v4-mapped). Nil for Unix domain sockets.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4): self.init(v4.address)
        case .v6(let v6): self.init(v6.address)
        case .unixDomainSocket: return nil
        }
    }

    /// The NIO socket address for sending to this endpoint: IPv4 for v4-mapped addresses. It allocates, so hot
    /// paths cache it.
    public var socketAddress: SocketAddress {
        if let v4 = sockaddrIn {
            return SocketAddress(v4, host: "")
        }
        return SocketAddress(sockaddrIn6, host: "")
    }
}
