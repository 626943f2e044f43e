#if canImport(Glibc)
    public import Glibc
#elseif canImport(Darwin)
    public import Darwin
#endif

/// A UDP endpoint: 16-byte IPv6 address (IPv4 stored v4-mapped, `::ffff:a.b.c.d`) and port, stored inline.
/// This is the wire form of PROTOCOL.md §5 endpoints (18 bytes) and the session table's address type.
public struct EndpointAddress: Hashable, Sendable {
    /// Encoded size on the wire.
    public static let encodedSize = 18

    /// The 16 address bytes in memory order.
    @usableFromInline
    var address: (UInt64, UInt64)
    /// UDP port.
    public var port: UInt16

    /// From 16 address bytes (IPv4 v4-mapped) and a port.
    public init(ipv6 bytes: some Collection<UInt8>, port: UInt16) {
        let array = Array(bytes)
        precondition(array.count == 16, "an IPv6 address is 16 bytes")
        self.address = array.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        self.port = port
    }

    /// From an IPv4 address in host order (e.g. 0x7F000001 for 127.0.0.1) and a port.
    @inlinable
    public init(ipv4 value: UInt32, port: UInt16) {
        // ::ffff:a.b.c.d — bytes 0...9 zero, 10...11 0xff, 12...15 the address.
        let high: UInt64 = 0
        let low = UInt64(0xFFFF) << 32 | UInt64(value)
        self.address = (high.bigEndian, low.bigEndian)
        self.port = port
    }

    /// Reads 16 address bytes and a big-endian port at `offset` (caller guarantees 18 bytes are in bounds).
    @inlinable
    public init(loading buffer: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset + 18 <= buffer.count, "EndpointAddress load out of bounds")
        self.address = (
            buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
            buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
        )
        self.port = UInt16(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
    }

    /// From a kernel IPv4 socket address.
    @inlinable
    public init(_ sockaddr: sockaddr_in) {
        self.init(ipv4: UInt32(bigEndian: sockaddr.sin_addr.s_addr), port: UInt16(bigEndian: sockaddr.sin_port))
    }

    /// From a kernel IPv6 socket address.
    @inlinable
    public init(_ sockaddr: sockaddr_in6) {
        var addr = sockaddr.sin6_addr
        self.address = Swift.withUnsafeBytes(of: &addr) {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        self.port = UInt16(bigEndian: sockaddr.sin6_port)
    }

    /// True for v4-mapped addresses.
    @inlinable
    public var isIPv4: Bool {
        address.0 == 0 && UInt64(bigEndian: address.1) >> 32 == 0xFFFF
    }

    /// The IPv4 address in host order, if v4-mapped.
    public var ipv4: UInt32? {
        isIPv4 ? UInt32(truncatingIfNeeded: UInt64(bigEndian: address.1)) : nil
    }

    /// The 16 address bytes.
    public var addressBytes: [UInt8] { Swift.withUnsafeBytes(of: address) { Array($0) } }

    /// Calls `body` with the 16 address bytes.
    @inlinable
    public func withAddressBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: address) { try body($0) }
    }

    /// Appends the 18-byte wire form.
    func write(to writer: inout ByteWriter) {
        withAddressBytes { writer.append(contentsOf: $0) }
        writer.append(port)
    }

    /// The kernel socket address (sockaddr_in for v4-mapped, sockaddr_in6 otherwise).
    public var sockaddrIn: sockaddr_in? {
        guard let v4 = ipv4 else { return nil }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        sa.sin_addr.s_addr = v4.bigEndian
        return sa
    }

    /// The kernel IPv6 socket address (v4-mapped stays mapped).
    public var sockaddrIn6: sockaddr_in6 {
        var sa = sockaddr_in6()
        sa.sin6_family = sa_family_t(AF_INET6)
        sa.sin6_port = port.bigEndian
        Swift.withUnsafeMutableBytes(of: &sa.sin6_addr) { out in
            withAddressBytes { out.copyMemory(from: $0) }
        }
        return sa
    }

    @inlinable
    public static func == (lhs: EndpointAddress, rhs: EndpointAddress) -> Bool {
        lhs.address.0 == rhs.address.0 && lhs.address.1 == rhs.address.1 && lhs.port == rhs.port
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address.0)
        hasher.combine(address.1)
        hasher.combine(port)
    }
}

extension EndpointAddress: CustomStringConvertible, LosslessStringConvertible {
    /// Parses "1.2.3.4:5" or "[::1]:5" (also "[::ffff:1.2.3.4]:5"). Nil on anything else.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard let colon = utf8.lastIndex(of: UInt8(ascii: ":")), colon + 1 < utf8.count,
            utf8.count - colon - 1 <= 5,
            utf8[(colon + 1)...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let port = UInt16(String(decoding: utf8[(colon + 1)...], as: UTF8.self))
        else { return nil }
        var host = Array(utf8[..<colon])
        if host.first == UInt8(ascii: "[") {
            guard host.last == UInt8(ascii: "]"), host.count > 2 else { return nil }
            host = Array(host[1..<(host.count - 1)])
            host.append(0)
            var addr = in6_addr()
            let ok = host.withUnsafeBufferPointer { chars in
                chars.withMemoryRebound(to: CChar.self) { inet_pton(AF_INET6, $0.baseAddress, &addr) == 1 }
            }
            guard ok else { return nil }
            self.init(ipv6: Swift.withUnsafeBytes(of: &addr) { Array($0) }, port: port)
        } else {
            guard !host.contains(UInt8(ascii: ":")) else { return nil }
            host.append(0)
            var addr = in_addr()
            let ok = host.withUnsafeBufferPointer { chars in
                chars.withMemoryRebound(to: CChar.self) { inet_pton(AF_INET, $0.baseAddress, &addr) == 1 }
            }
            guard ok else { return nil }
            self.init(ipv4: UInt32(bigEndian: addr.s_addr), port: port)
        }
    }

    /// "1.2.3.4:5" for IPv4 (v4-mapped), "[2001:db8::1]:5" otherwise.
    public var description: String {
        if let v4 = ipv4 {
            return "\(v4 >> 24).\(v4 >> 16 & 0xFF).\(v4 >> 8 & 0xFF).\(v4 & 0xFF):\(port)"
        }
        var addr = in6_addr()
        Swift.withUnsafeMutableBytes(of: &addr) { out in withAddressBytes { out.copyMemory(from: $0) } }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let text = buffer.withUnsafeMutableBufferPointer { out -> String in
            guard inet_ntop(AF_INET6, &addr, out.baseAddress, socklen_t(out.count)) != nil else { return "?" }
            return String(cString: out.baseAddress!)
        }
        return "[\(text)]:\(port)"
    }
}

extension EndpointAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = EndpointAddress(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "not an address:port such as 192.0.2.1:7000 or [2001:db8::1]:7000: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
