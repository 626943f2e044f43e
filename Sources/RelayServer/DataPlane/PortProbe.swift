import CRelayIO

#if canImport(Glibc)
    import Glibc
#endif

/// Checks that a UDP port is free before the SO_REUSEPORT sockets bind it. With SO_REUSEPORT a second process of
/// the same user could otherwise silently share the port; a plain bind fails on any existing socket.
enum PortProbe {
    /// Binds a plain UDP socket to `address:port` and closes it. Returns the bound port (useful for port 0).
    static func claim(address: String, port: Int) throws(RelaySocketError) -> Int {
        guard ListenAddress.family(of: address) != nil else {
            throw .bindFailed(address: address, port: port, reason: "not an IP address")
        }
        guard let requested = UInt16(exactly: port) else {
            throw .bindFailed(address: address, port: port, reason: "a UDP port is 0...65535")
        }
        var bound: UInt16 = 0
        let fd = relay_io_bind_udp(address, requested, &bound)
        guard fd >= 0 else { throw error(errno: -fd, address: address, port: port) }
        close(fd)
        return Int(bound)
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
