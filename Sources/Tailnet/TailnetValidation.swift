#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Validation rules shared by the coordinator (to refuse bad input) and clients (to fail early).
///
/// Every function returns `nil` when the value is valid, or a message saying what is wrong and what is expected.
public enum TailnetValidation {
    /// Maximum tags on one certificate (PROTOCOL.md §2).
    public static let maxTags = 16
    /// Maximum endpoints accepted per node or relay.
    public static let maxEndpoints = 8

    /// Checks a node or relay name: a DNS label, `[a-z0-9-]`, 1…63 bytes, not starting or ending with `-`.
    public static func nameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return "must be 1…63 characters" }
        let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard allowed, bytes.first != 0x2D, bytes.last != 0x2D else {
            return "must be a DNS label: lowercase letters, digits and '-', not starting or ending with '-'"
        }
        return nil
    }

    /// Checks a tailnet id: `[a-z0-9.-]`, 1…63 bytes (PROTOCOL.md §2).
    public static func tailnetIDProblem(_ id: String) -> String? {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return "must be 1…63 characters" }
        let allowed = bytes.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E
        }
        return allowed ? nil : "may contain only lowercase letters, digits, '.' and '-'"
    }

    /// Checks a tag list: at most 16 tags, each `tag:` followed by a DNS label, no duplicates.
    public static func tagsProblem(_ tags: [String]) -> String? {
        guard tags.count <= maxTags else { return "at most \(maxTags) tags are allowed" }
        guard Set(tags).count == tags.count else { return "tags must not repeat" }
        for tag in tags {
            guard tag.hasPrefix("tag:"), nameProblem(String(tag.dropFirst(4))) == nil, tag.utf8.count <= 63 else {
                return "'\(tag)' is not a tag: use 'tag:' followed by lowercase letters, digits and '-'"
            }
        }
        return nil
    }

    /// Checks a grant selector list: tags as in ``tagsProblem(_:)`` or the wildcard `*`.
    public static func selectorProblem(_ selectors: [String]) -> String? {
        guard !selectors.isEmpty else { return "must list at least one tag or '*'" }
        return tagsProblem(selectors.filter { $0 != "*" })
    }

    /// Decodes a standard-base64 X25519 public key, or returns why it cannot be one.
    public static func decodeKey(_ text: String) -> Result<[UInt8], KeyDecodingProblem> {
        guard let data = Data(base64Encoded: text) else { return .failure(.notBase64) }
        guard data.count == 32 else { return .failure(.wrongLength(data.count)) }
        return .success(Array(data))
    }

    /// Why a key did not decode.
    public enum KeyDecodingProblem: Error, CustomStringConvertible, Equatable {
        /// Not standard base64.
        case notBase64
        /// Decoded to the wrong number of bytes.
        case wrongLength(Int)

        /// What is wrong and what is expected.
        public var description: String {
            switch self {
            case .notBase64: "must be standard base64 of a 32-byte X25519 public key"
            case .wrongLength(let n): "decodes to \(n) bytes; an X25519 public key has 32"
            }
        }
    }

    /// Checks an endpoint list (`ip:port` or `[ipv6]:port`, literal addresses only, port 1…65535).
    public static func endpointsProblem(_ endpoints: [String], allowEmpty: Bool) -> String? {
        if endpoints.isEmpty && !allowEmpty { return "must list at least one endpoint (ip:port)" }
        guard endpoints.count <= maxEndpoints else { return "at most \(maxEndpoints) endpoints are allowed" }
        for endpoint in endpoints where endpointProblem(endpoint) != nil {
            return "'\(endpoint)': \(endpointProblem(endpoint)!)"
        }
        return nil
    }

    /// Checks one endpoint.
    public static func endpointProblem(_ endpoint: String) -> String? {
        let host: Substring
        let port: Substring
        if endpoint.hasPrefix("[") {
            guard let close = endpoint.firstIndex(of: "]"), endpoint[endpoint.index(after: close)...].hasPrefix(":")
            else { return "IPv6 endpoints are written [address]:port" }
            host = endpoint[endpoint.index(after: endpoint.startIndex)..<close]
            port = endpoint[endpoint.index(close, offsetBy: 2)...]
            guard isIPv6(String(host)) else { return "'\(host)' is not an IPv6 address" }
        } else {
            guard let colon = endpoint.lastIndex(of: ":") else { return "must be ip:port" }
            host = endpoint[..<colon]
            port = endpoint[endpoint.index(after: colon)...]
            guard isIPv4(String(host)) else { return "'\(host)' is not an IPv4 address (host names are not allowed)" }
        }
        guard let number = Int(port), (1...65535).contains(number) else { return "port must be 1…65535" }
        return nil
    }

    /// Whether `text` is a dotted-quad IPv4 address.
    public static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    /// Whether `text` is an IPv6 address.
    public static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
