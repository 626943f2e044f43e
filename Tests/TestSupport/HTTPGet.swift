import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking HTTP/1.1 GET over a plain POSIX TCP socket to 127.0.0.1 (tests only; 20 s timeouts: a 2-core machine
/// running the whole suite in parallel can keep a server from answering for several seconds).
public struct HTTPGet {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String

        public init(status: Int, headers: [String: String], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case socket(String)
        case malformed(String)
        public var description: String {
            switch self {
            case .socket(let message): "socket: \(message)"
            case .malformed(let text): "malformed response: \(text.prefix(200))"
            }
        }
    }

    /// Runs the blocking request on NIO's thread pool so it never blocks the cooperative pool the server needs.
    public static func get(port: Int, path: String) async throws -> Response {
        try await NIOThreadPool.singleton.runIfActive { try blockingGet(port: port, path: path) }
    }

    public static func blockingGet(port: Int, path: String) throws -> Response {
        let fd: Int32
        do {
            fd = try connectLoopbackTCP(port: port, timeoutSeconds: 20)
        } catch {
            throw Failure.socket(error.description)
        }
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw Failure.socket("send") }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<10_000 {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 {
                let reason = errno == EAGAIN || errno == EWOULDBLOCK ? "no answer within 20 s" : "errno \(errno)"
                throw Failure.socket("GET \(path) on port \(port): \(reason) after \(received.count) bytes")
            }
            if count == 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = (0..<max(0, received.count - 3)).first(where: { Array(received[$0..<$0 + 4]) == separator })
        else { throw Failure.malformed(text) }
        let headText = String(decoding: received[..<split], as: UTF8.self)
        let bodyText = String(decoding: received[(split + 4)...], as: UTF8.self)
        let headLines = headText.split(separator: "\r\n")
        let statusParts = headLines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure.malformed(text) }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2 {
                headers[pair[0].lowercased()] = pair[1].trimmingCharacters(in: " ")
            }
        }
        return Response(status: status, headers: headers, body: bodyText)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
