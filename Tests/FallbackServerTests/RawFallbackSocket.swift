import Fallback
import NIOPosix
import PeerRelayTestSupport
import RelayClient
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking plain-TCP fallback client built from the pure codec, for what the real client never does: stop
/// reading (a slow reader), send malformed frames. Every call has a timeout; run it through ``offload(_:)``.
final class RawFallbackSocket: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case socket(String)
        case unexpected(String)
        var description: String {
            switch self {
            case .socket(let text): "socket: \(text)"
            case .unexpected(let text): "unexpected: \(text)"
            }
        }
    }

    private let fd: Int32
    private var decoder = FrameStreamDecoder(receiver: .client)

    /// Connects and, when `upgrade`, performs the HTTP upgrade. `receiveBuffer` shrinks SO_RCVBUF (a slow reader
    /// backs up sooner).
    init(port: Int, receiveBuffer: Int32? = nil, upgrade: Bool = true) throws {
        do {
            fd = try connectLoopbackTCP(port: port, timeoutSeconds: 10, receiveBuffer: receiveBuffer)
        } catch {
            throw Failure.socket(error.description)
        }
        guard upgrade else { return }
        try sendAll(
            Array(
                "GET /fallback HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: peerrelay-fallback\r\n\r\n"
                    .utf8))
        var head: [UInt8] = []
        while !(head.count >= 4 && Array(head.suffix(4)) == [13, 10, 13, 10]) {
            var byte: UInt8 = 0
            guard recv(fd, &byte, 1, 0) == 1 else { throw Failure.socket("no upgrade response") }
            head.append(byte)
        }
        let status = String(decoding: head, as: UTF8.self)
        guard status.hasPrefix("HTTP/1.1 101") else { throw Failure.unexpected("upgrade answered \(status)") }
    }

    deinit { close(fd) }

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure.socket("send errno \(errno)") }
            offset += sent
        }
    }

    /// The next frame, or nil at EOF. Throws on timeout or a protocol violation from the server.
    func nextFrame() throws -> Frame? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<100_000 {
            if let frame = try decoder.next() { return frame }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return nil }
            guard count > 0 else { throw Failure.socket("recv errno \(errno)") }
            decoder.append(chunk[0..<count])
        }
        throw Failure.unexpected("no frame after 100000 reads")
    }

    /// Reads and discards bytes until the server closes the connection (EOF or reset); returns how many arrived.
    /// Throws when nothing ends it within the socket's 10 s receive timeout.
    func readUntilClosed() throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var total = 0
        for _ in 0..<100_000 {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 || (count < 0 && errno == ECONNRESET) { return total }
            guard count > 0 else { throw Failure.socket("recv errno \(errno) while waiting for the server to close") }
            total += count
        }
        throw Failure.unexpected("the server kept sending after 100000 reads")
    }

    /// Reads the ServerHello, answers with `identity`'s hello, and waits for Accepted.
    func admit(_ identity: RelayIdentity) throws {
        let hello = try serverHello()
        try sendAll(Frame.clientHello(sealedHello(identity, hello)).encoded())
        guard case .accepted = try nextFrame() else { throw Failure.unexpected("no Accepted") }
    }

    func serverHello() throws -> ServerHello {
        guard case .serverHello(let hello) = try nextFrame() else { throw Failure.unexpected("no ServerHello") }
        return hello
    }

    func sealedHello(_ identity: RelayIdentity, _ hello: ServerHello) -> ClientHello {
        ClientHello.seal(
            .init(challenge: hello.challenge, certificate: identity.certificate.encoded()), key: identity.privateKey,
            serverKey: hello.serverKey)!
    }

    /// Reads until the Close frame and EOF; returns the Close notice (nil if the server just closed).
    func closeNotice() throws -> CloseNotice? {
        var notice: CloseNotice?
        while let frame = try nextFrame() {
            if case .close(let received) = frame { notice = received }
        }
        return notice
    }
}

/// Runs blocking socket work on NIO's thread pool, never on the cooperative pool the servers and clients need.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}
