/// Why the relay could not open its UDP sockets.
public enum RelaySocketError: Error, Equatable, CustomStringConvertible {
    case portInUse(address: String, port: Int)
    case addressNotAvailable(address: String, port: Int)
    case permissionDenied(address: String, port: Int)
    case bindFailed(address: String, port: Int, reason: String)

    /// The exit status `relay-server` uses (sysexits 69: service unavailable).
    public var exitCode: Int32 { 69 }

    public var description: String {
        switch self {
        case .portInUse(let address, let port):
            return "UDP port \(port) on \(address) is already in use by another process; stop it or choose "
                + "another port with --port (RELAY_PORT)"
        case .addressNotAvailable(let address, let port):
            return "cannot listen on \(address):\(port): the address is not assigned to this machine; "
                + "fix --listen (RELAY_LISTEN)"
        case .permissionDenied(let address, let port):
            return "not allowed to listen on \(address):\(port); ports below 1024 need CAP_NET_BIND_SERVICE, "
                + "or choose a port above 1023 with --port"
        case .bindFailed(let address, let port, let reason):
            return "cannot listen on UDP \(address):\(port): \(reason)"
        }
    }
}
