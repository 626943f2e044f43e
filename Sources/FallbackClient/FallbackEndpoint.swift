/// Where a fallback relay listens, parsed from the URL the netmap lists (`https://host:port/fallback`).
/// `http`/`ws` are plain TCP (loopback and tests only: the server refuses plain HTTP elsewhere), `https`/`wss` TLS.
public struct FallbackEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Whether the connection uses TLS (`https`, `wss`).
    public var useTLS: Bool
    /// The HTTP path, `/fallback` unless the URL names another.
    public var path: String
    /// HTTP upgrade or WebSocket (`ws`, `wss` URLs).
    public var transport: FallbackTransport

    /// Creates an endpoint from parts.
    public init(
        host: String, port: Int, useTLS: Bool, path: String = "/fallback", transport: FallbackTransport = .upgrade
    ) {
        self.host = host
        self.port = port
        self.useTLS = useTLS
        self.path = path
        self.transport = transport
    }

    /// Parses `scheme://host[:port][/path]`. `ws`/`wss` select the WebSocket transport; otherwise `transport`.
    public init(url: String, transport: FallbackTransport = .upgrade) throws(FallbackClientError) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .invalidEndpoint("\"\(url)\" has no scheme; use https://host:port/fallback (or http:// on loopback)")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = url[schemeEnd.upperBound...]
        let defaultPort: Int
        switch scheme {
        case "https", "wss":
            useTLS = true
            defaultPort = 443
        case "http", "ws":
            useTLS = false
            defaultPort = 80
        default:
            throw .invalidEndpoint("unsupported scheme \"\(scheme)\" in \(url); use https, http, wss or ws")
        }
        self.transport = scheme.hasPrefix("ws") ? .websocket : transport
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        } else {
            path = "/fallback"
        }
        if path == "/" { path = "/fallback" }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalidEndpoint("unterminated IPv6 literal in \(url)")
            }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            rest = rest[colon...]
        } else {
            host = String(rest)
            rest = ""
        }
        if rest.isEmpty {
            port = defaultPort
        } else {
            guard rest.hasPrefix(":"), let parsed = Int(rest.dropFirst()), (1...65535).contains(parsed) else {
                throw .invalidEndpoint("bad port in \(url); give a number 1…65535")
            }
            port = parsed
        }
        guard !host.isEmpty else { throw .invalidEndpoint("no host in \(url)") }
    }

    public var description: String {
        let scheme = transport == .websocket ? (useTLS ? "wss" : "ws") : (useTLS ? "https" : "http")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)\(path)"
    }
}
