import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The MTU of the route to a destination, as the kernel knows it (path MTU included): IP_MTU of a UDP socket
/// connected to it. A GSO write whose segments do not fit it is not refused by every kernel: some send it and the
/// datagrams are lost, so trains are cut only to sizes that fit. Cached per destination, looked up again after
/// `maxAge`. Touched on the data plane's event loop only.
struct RouteMTUCache {
    static let maxAge: TimeAmount = .seconds(1)
    private var entries: [SocketAddress: (mtu: Int, at: NIODeadline)] = [:]

    /// The largest UDP payload per segment to `destination` (0: unknown, no GSO).
    mutating func segmentLimit(to destination: SocketAddress, now: NIODeadline = .now()) -> Int {
        if let entry = entries[destination], now - entry.at < Self.maxAge {
            return Self.payload(entry.mtu, destination)
        }
        let mtu = Self.lookUp(destination)
        if entries.count > 1024 { entries.removeAll(keepingCapacity: true) }
        entries[destination] = (mtu, now)
        return Self.payload(mtu, destination)
    }

    /// UDP payload within `mtu` (IPv4 20 + UDP 8, IPv6 40 + UDP 8 bytes of headers).
    static func payload(_ mtu: Int, _ destination: SocketAddress) -> Int {
        guard mtu > 0 else { return 0 }
        if case .v6 = destination { return max(0, mtu - 48) }
        return max(0, mtu - 28)
    }

    /// IP_MTU / IPV6_MTU of a UDP socket connected to `destination`; 0 when the kernel does not say.
    static func lookUp(_ destination: SocketAddress) -> Int {
        #if os(Linux)
            let isV6: Bool
            switch destination {
            case .v4: isV6 = false
            case .v6: isV6 = true
            default: return 0
            }
            let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { return 0 }
            defer { close(fd) }
            let connected = destination.withSockAddr { address, length in connect(fd, address, socklen_t(length)) }
            guard connected == 0 else { return 0 }
            var mtu: CInt = 0
            var size = socklen_t(MemoryLayout<CInt>.size)
            // IP_MTU (14) at IPPROTO_IP, IPV6_MTU (24) at IPPROTO_IPV6.
            let (level, name): (CInt, CInt) = isV6 ? (CInt(IPPROTO_IPV6), 24) : (CInt(IPPROTO_IP), 14)
            let status = getsockopt(fd, level, name, &mtu, &size)
            return status == 0 ? Int(mtu) : 0
        #else
            return 0
        #endif
    }
}
