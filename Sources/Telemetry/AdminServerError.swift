/// Why the admin HTTP server could not start.
public enum AdminServerError: Error, CustomStringConvertible {
    case bindFailed(host: String, port: Int, underlying: any Error)

    public var description: String {
        switch self {
        case .bindFailed(let host, let port, let underlying):
            return "cannot listen for admin HTTP on \(host):\(port): \(underlying). "
                + "Is another process using the port? Pick a free one with --admin-port (0 picks any free port)."
        }
    }
}
