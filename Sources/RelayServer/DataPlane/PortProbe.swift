#if canImport(Glibc)
    import Glibc
#endif
#if canImport(CNIOLinux)
    // With MemberImportVisibility the sockaddr structs count as CNIOLinux's (it includes the headers first).
    import CNIOLinux
#endif

/// Checks that a UDP port is free before the SO_REUSEPORT sockets bind it. With SO_REUSEPORT a second process of
/// the same user could otherwise silently share the port; a plain bind fails on any existing socket.
enum PortProbe {
    /// Binds a plain UDP socket to `address:port` and closes it. Returns the bound port (useful for port 0).
    static func claim(address: String, port: Int) throws(RelaySocketError) -> Int {
        guard let family = ListenAddress.family(of: address) else {
            throw .bindFailed(address: address, port: port, reason: "not an IP address")
        }
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .bindFailed(address: address, port: port, reason: errnoText(errno)) }
        defer { close(fd) }
        var result: Int32
        var boundPort = port
        if family == .ipv4 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, address, &sin.sin_addr)
            result = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if result == 0 {
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafeMutablePointer(to: &sin) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                boundPort = Int(UInt16(bigEndian: sin.sin_port))
            }
        } else {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, address, &sin6.sin6_addr)
            result = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
            if result == 0 {
                var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
                _ = withUnsafeMutablePointer(to: &sin6) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                boundPort = Int(UInt16(bigEndian: sin6.sin6_port))
            }
        }
        guard result == 0 else { throw error(errno: errno, address: address, port: port) }
        return boundPort
    }

    static func error(errno code: Int32, address: String, port: Int) -> RelaySocketError {
        switch code {
        case EADDRINUSE: .portInUse(address: address, port: port)
        case EADDRNOTAVAIL: .addressNotAvailable(address: address, port: port)
        case EACCES, EPERM: .permissionDenied(address: address, port: port)
        default: .bindFailed(address: address, port: port, reason: errnoText(code))
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
