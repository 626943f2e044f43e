public import RelayCore

/// Which of this node's own addresses it publishes as direct candidates (pure; the I/O layer reads the
/// interfaces). IPv4: every address of an up, non-loopback interface except the tailnet's own 100.64.0.0/10 (those
/// are inside the tunnel). IPv6: global unicast addresses only (2000::/3, without the 2001:db8::/32 documentation
/// prefix): link-local, unique-local, loopback, multicast and v4-mapped addresses do not reach across the internet.
public enum LocalCandidates {
    /// Whether an IPv4 address (host order) may be published.
    public static func isCandidate(ipv4 address: UInt32) -> Bool {
        address & 0xFF00_0000 != 0x7F00_0000 && address & 0xFFC0_0000 != 0x6440_0000
    }

    /// Whether 16 IPv6 address bytes are a global unicast address worth publishing.
    public static func isGlobal(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16, bytes[0] & 0xE0 == 0x20 else { return false }
        return !(bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8)
    }

    /// The endpoints to publish, sorted and without duplicates: the candidate interface addresses with the tailnet
    /// port (IPv6 only when the node has an IPv6 tailnet socket) and the reflexive addresses learnt by STUN.
    public static func endpoints(
        ipv4: [UInt32], ipv6: [[UInt8]], port: UInt16, reflexive: some Sequence<EndpointAddress>
    ) -> [EndpointAddress] {
        var set = Set(reflexive)
        for address in ipv4 where isCandidate(ipv4: address) { set.insert(EndpointAddress(ipv4: address, port: port)) }
        for bytes in ipv6 where isGlobal(ipv6: bytes) { set.insert(EndpointAddress(ipv6: bytes, port: port)) }
        return set.sorted { $0.description < $1.description }
    }
}
