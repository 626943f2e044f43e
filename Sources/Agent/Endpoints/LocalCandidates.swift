public import RelayCore

/// The direct endpoints this node publishes (pure; the I/O layer reads the interfaces): the interface addresses
/// `CandidateFilter` keeps, with the tailnet port, plus the reflexive addresses learnt by STUN.
public enum LocalCandidates {
    /// Whether 16 IPv6 address bytes are a global unicast address worth publishing: 2000::/3 without the
    /// 2001:db8::/32 documentation prefix (link-local, unique-local, loopback, multicast and v4-mapped addresses do
    /// not reach across the internet).
    public static func isGlobal(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16, bytes[0] & 0xE0 == 0x20 else { return false }
        return !(bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8)
    }

    /// The endpoints to publish, sorted and without duplicates: the interface addresses `filter` keeps with the
    /// tailnet port (IPv6 ones only when the node has an IPv6 tailnet socket, `ipv6`) and the reflexive addresses.
    public static func endpoints(
        interfaces: [InterfaceAddress], filter: CandidateFilter, ipv6: Bool, port: UInt16,
        reflexive: some Sequence<EndpointAddress>
    ) -> [EndpointAddress] {
        var set = Set(reflexive)
        for record in filter.candidates(interfaces) {
            switch record.address {
            case .ipv4(let value): set.insert(EndpointAddress(ipv4: value, port: port))
            case .ipv6(let bytes) where ipv6: set.insert(EndpointAddress(ipv6: bytes, port: port))
            case .ipv6: break
            }
        }
        return set.sorted { $0.description < $1.description }
    }
}
