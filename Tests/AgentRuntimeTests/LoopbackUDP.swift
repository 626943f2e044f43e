import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking UDP socket on 127.0.0.1 the test reads and writes; here it stands where wireguard-go's listen
/// port would be (the agent's data path, not WireGuard, is under test). Receiving polls without blocking a thread.
final class LoopbackUDP: @unchecked Sendable {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(text: "socket(): errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw Failure(text: "bind(): errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        // Room for a test's whole burst while it is not read yet (SO_RCVBUFFORCE as root, else up to rmem_max).
        var room: CInt = 4 << 20
        if setsockopt(fd, SOL_SOCKET, 33, &room, socklen_t(MemoryLayout<CInt>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &room, socklen_t(MemoryLayout<CInt>.size))
        }
        self.fd = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Sends `bytes` to 127.0.0.1:`port`.
    func send(_ bytes: [UInt8], toPort port: UInt16) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let sent = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == bytes.count else { throw Failure(text: "sendto(): errno \(errno)") }
    }

    /// The next datagram and its source port, or nil after `timeout`.
    func receive(timeout: Duration) async throws -> (bytes: [UInt8], sourcePort: UInt16)? {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 2048)
        while ContinuousClock.now < deadline {
            var source = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length)
                    }
                }
            }
            if count >= 0 { return (Array(buffer[0..<count]), UInt16(bigEndian: source.sin_port)) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    deinit { close(fd) }

    struct Failure: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }
}

extension LoopbackUDP {
    /// Sends `segments` as one UDP GSO train (UDP_SEGMENT): all `segments[0].count` bytes long but the last, which
    /// may be shorter. Throws when the kernel has no UDP GSO.
    func sendTrain(_ segments: [[UInt8]], toPort port: UInt16) throws {
        let udpSegment: CInt = 103  // UDP_SEGMENT
        var size = CInt(segments[0].count)
        guard setsockopt(fd, CInt(IPPROTO_UDP), udpSegment, &size, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            throw Failure(text: "setsockopt(UDP_SEGMENT): errno \(errno)")
        }
        defer {
            var off: CInt = 0
            _ = setsockopt(fd, CInt(IPPROTO_UDP), udpSegment, &off, socklen_t(MemoryLayout<CInt>.size))
        }
        try send(segments.flatMap { $0 }, toPort: port)
    }
}
