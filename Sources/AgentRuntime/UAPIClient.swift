import Agent

#if canImport(Glibc)
    import Glibc
#endif

/// Talks to wireguard-go through its UAPI Unix socket (`/var/run/wireguard/<interface>.sock`). Each call opens the
/// socket, writes one request and reads the reply up to the blank line that ends it. Blocking, bounded by a 5 s
/// socket timeout; requests are rare (netmap changes, status).
struct UAPIClient: Sendable {
    let path: String

    init(interface: String, directory: String = "/var/run/wireguard") {
        self.path = "\(directory)/\(interface).sock"
    }

    /// Sends `request` (a complete `set=1`/`get=1` text) and returns the reply; throws on `errno` ≠ 0.
    @discardableResult
    func exchange(_ request: String) throws(WireGuardError) -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(path: path, reason: "socket(): errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .unreachable(path: path, reason: "path too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw .unreachable(path: path, reason: "connect(): errno \(errno)") }
        var bytes = Array(request.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw .unreachable(path: path, reason: "write(): errno \(errno)") }
            bytes = bytes.dropFirst(written)
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while reply.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            reply += chunk[0..<count]
            if reply.count >= 2, reply[reply.count - 1] == 10, reply[reply.count - 2] == 10 { break }
        }
        let text = String(decoding: reply, as: UTF8.self)
        _ = try WireGuardUAPI.parse(text)
        return text
    }
}
