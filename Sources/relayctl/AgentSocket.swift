import Agent

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The client side of tailnet-agent's local API: one JSON request line, one JSON response line, over the agent's
/// Unix socket.
enum AgentSocket {
    static let defaultPath = "/var/run/peerrelay/agent.sock"

    static func send(_ request: LocalAPIRequest, path: String, timeoutSeconds: Int = 35) throws(CLIError)
        -> LocalAPIResponse
    {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError("cannot create a Unix socket (errno \(errno))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw CLIError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            throw CLIError(
                "cannot reach tailnet-agent at \(path) (errno \(errno)): is it running, and are you root? (--socket to point elsewhere)"
            )
        }
        var line: [UInt8]
        do { line = Array(try JSONEncoder().encode(request)) } catch {
            throw CLIError("cannot encode the request: \(error)")
        }
        line.append(UInt8(ascii: "\n"))
        var rest = line[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw CLIError("writing to \(path) failed (errno \(errno))") }
            rest = rest.dropFirst(written)
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while reply.last != UInt8(ascii: "\n"), reply.count < 16 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            reply += chunk[0..<count]
        }
        do {
            return try JSONDecoder().decode(LocalAPIResponse.self, from: Data(reply))
        } catch {
            throw CLIError(
                "tailnet-agent answered something unexpected: \(String(decoding: reply.prefix(200), as: UTF8.self))")
        }
    }
}
