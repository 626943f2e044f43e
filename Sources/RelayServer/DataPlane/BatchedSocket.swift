#if os(Linux)
    import CRelayIO
    import Glibc
    import NIOCore

    /// A UDP socket of the batched data plane: SO_REUSEPORT (the kernel spreads flows across the sockets of one
    /// address), large buffers, IPv6 sockets IPv6-only, a short receive timeout so its thread notices shutdown.
    struct BatchedSocket: Sendable {
        let fd: Int32
        let transport: Transport
        let address: SocketAddress
        /// UDP GRO is on (the kernel may hand over coalesced trains).
        let receiveOffload: Bool

        /// How long a blocked receive waits before its thread checks for shutdown.
        static let receiveTimeoutMilliseconds: UInt32 = 100

        /// Opens and binds a socket on `address`:`port`. `receiveOffload` asks for UDP GRO; a kernel without it
        /// leaves the socket without GRO (``receiveOffload`` tells).
        static func open(
            address: String, port: Int, bufferBytes: Int, receiveOffload: Bool
        ) throws(RelaySocketError) -> BatchedSocket {
            let socketAddress: SocketAddress
            do {
                socketAddress = try SocketAddress(ipAddress: address, port: port)
            } catch {
                throw .bindFailed(address: address, port: port, reason: "not an IP address")
            }
            let isIPv4 = socketAddress.protocol == .inet
            let fd = Glibc.socket(isIPv4 ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                throw .bindFailed(address: address, port: port, reason: PortProbe.errnoText(errno))
            }
            var one: Int32 = 1
            var buffer = Int32(clamping: bufferBytes)
            let size = socklen_t(MemoryLayout<Int32>.size)
            var ok = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size) == 0
            ok = ok && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, size) == 0
            ok = ok && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, size) == 0
            if ok, !isIPv4 { ok = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, size) == 0 }
            guard ok else {
                let reason = PortProbe.errnoText(errno)
                _ = Glibc.close(fd)
                throw .bindFailed(address: address, port: port, reason: reason)
            }
            let bound = socketAddress.withSockAddr { pointer, length in
                Glibc.bind(fd, pointer, socklen_t(length)) == 0 ? 0 : errno
            }
            guard bound == 0 else {
                _ = Glibc.close(fd)
                throw PortProbe.error(errno: bound, address: address, port: port)
            }
            _ = relay_io_set_receive_timeout(fd, receiveTimeoutMilliseconds)
            let offload = receiveOffload && relay_io_enable_gro(fd) == 0
            return BatchedSocket(
                fd: fd, transport: isIPv4 ? .udp4 : .udp6, address: socketAddress, receiveOffload: offload)
        }

        func close() {
            _ = Glibc.close(fd)
        }
    }
#endif
