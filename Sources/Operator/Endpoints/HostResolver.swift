#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves DNS names of static endpoints and load-balancer hostnames (A and AAAA).
public protocol HostResolver: Sendable {
    /// The sorted addresses of `host`, or a message saying why it did not resolve.
    func resolve(_ host: String) -> Result<[String], ResolutionError>
}

/// A DNS name did not resolve.
public struct ResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name that did not resolve.
    public var host: String
    /// The resolver's reason.
    public var reason: String

    /// `host` did not resolve, for `reason`.
    public init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }

    public var description: String { "\(host) did not resolve: \(reason)" }
}

/// `getaddrinfo` (the system resolver).
public struct SystemResolver: HostResolver {
    /// The system resolver.
    public init() {}

    /// Resolves with getaddrinfo; addresses sorted.
    public func resolve(_ host: String) -> Result<[String], ResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let reason = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            return .failure(ResolutionError(host: host, reason: reason))
        }
        defer { freeaddrinfo(list) }
        var addresses: Set<String> = []
        var cursor = list
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
            {
                addresses.insert(
                    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { return .failure(ResolutionError(host: host, reason: "no addresses")) }
        return .success(addresses.sorted())
    }
}
