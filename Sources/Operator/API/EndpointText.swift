#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `host:port` endpoint as written in `spec.staticEndpoints` and `status.endpoints[].addresses`.
public struct EndpointText: Sendable, Hashable {
    /// What kind of host the endpoint names.
    public enum Host: Sendable, Hashable {
        case ipv4(String)
        case ipv6(String)
        case dnsName(String)
    }

    /// The host part.
    public var host: Host
    /// The UDP port.
    public var port: Int

    /// An endpoint `host`:`port`.
    public init(host: Host, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `1.2.3.4:40000`, `[2001:db8::1]:40000` or `relay.example.com:40000`.
    /// - Returns: nil with a reason in `problem` when the text is not such an endpoint.
    public static func parse(_ text: String) -> Result<EndpointText, EndpointParseError> {
        guard let colon = text.lastIndex(of: ":") else { return .failure(.init(text, "has no ':port'")) }
        let hostPart = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return .failure(.init(text, "has no port between 1 and 65535 after the last ':'"))
        }
        if hostPart.hasPrefix("[") {
            guard hostPart.hasSuffix("]") else { return .failure(.init(text, "has '[' without ']'")) }
            let inner = String(hostPart.dropFirst().dropLast())
            guard Self.isIPv6(inner) else {
                return .failure(.init(text, "has '\(inner)' in brackets, which is not a valid IPv6 address"))
            }
            return .success(EndpointText(host: .ipv6(Self.canonicalIPv6(inner)), port: port))
        }
        if Self.isIPv4(hostPart) { return .success(EndpointText(host: .ipv4(hostPart), port: port)) }
        if hostPart.contains(":") {
            return .failure(.init(text, "looks like an IPv6 address without brackets; write [address]:port"))
        }
        let labels = hostPart.split(separator: ".", omittingEmptySubsequences: false)
        let validName =
            !hostPart.isEmpty && hostPart.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
        guard validName else {
            return .failure(.init(text, "has '\(hostPart)', which is not an IP address or DNS name"))
        }
        return .success(EndpointText(host: .dnsName(hostPart.lowercased()), port: port))
    }

    /// The canonical text form (IPv6 in brackets).
    public var text: String {
        switch host {
        case .ipv4(let address): "\(address):\(port)"
        case .ipv6(let address): "[\(address)]:\(port)"
        case .dnsName(let name): "\(name):\(port)"
        }
    }

    /// `address:port` for a resolved or literal IP address (IPv6 gets brackets).
    public static func format(address: String, port: Int) -> String {
        address.contains(":") ? "[\(canonicalIPv6(address))]:\(port)" : "\(address):\(port)"
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            && inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    static func canonicalIPv6(_ text: String) -> String {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return text }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return text }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Why an endpoint text was refused.
public struct EndpointParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    init(_ text: String, _ problem: String) {
        self.text = text
        self.problem = problem
    }

    public var description: String { "'\(text)' \(problem)" }
}
