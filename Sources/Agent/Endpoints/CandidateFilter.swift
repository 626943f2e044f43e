/// Which interface addresses the node publishes as direct candidates (pure; the I/O layer lists the addresses).
///
/// A direct candidate must reach this node without another tunnel: an address of the agent's own WireGuard
/// interface, of another VPN (WireGuard, Tailscale, OpenVPN, ZeroTier, Nebula) or inside the tailnet prefix would make
/// a "direct" path run inside a tunnel (WireGuard in WireGuard, at a fraction of the throughput) or through the path it
/// is meant to replace. Excluded, in this order: interfaces that are down, loopback interfaces, the agent's own
/// WireGuard interface, point-to-point interfaces (every layer-3 tunnel sets `IFF_POINTOPOINT`), interfaces named
/// like a tunnel (`tunnelPatterns`, for tunnels that look like Ethernet), interfaces the user excludes
/// (`--exclude-interface`), IPv4 loopback addresses and the tailnet's 100.64.0.0/10, and IPv6 addresses that are not
/// global unicast (`LocalCandidates.isGlobal`).
public struct CandidateFilter: Hashable, Sendable {
    /// Interface names of tunnels, excluded whatever their flags: WireGuard's conventional `wg*`, TUN devices,
    /// Tailscale (`tailscale0`), macOS `utun*`, ZeroTier (`zt*`, an Ethernet-like TAP device) and Nebula.
    public static let tunnelPatterns: [InterfacePattern] = ["wg*", "tun*", "tailscale*", "utun*", "zt*", "nebula*"]
        .map { try! InterfacePattern($0) }

    /// The agent's own WireGuard interface (`--interface`).
    public var ownInterface: String
    /// More interfaces to leave out, from `--exclude-interface`.
    public var excluded: [InterfacePattern]

    /// Creates a filter for an agent driving `ownInterface`, leaving out `excluded` too.
    public init(ownInterface: String, excluded: [InterfacePattern] = []) {
        self.ownInterface = ownInterface
        self.excluded = excluded
    }

    /// Why `address` is not a candidate, or nil when it is one.
    public func exclusion(of address: InterfaceAddress) -> CandidateExclusion? {
        let name = address.interface
        if !address.flags.contains(.up) { return .down }
        if address.flags.contains(.loopback) { return .loopbackInterface }
        if name == ownInterface { return .ownWireGuardInterface }
        if address.flags.contains(.pointToPoint) { return .pointToPoint }
        if let pattern = Self.tunnelPatterns.first(where: { $0.matches(name) }) { return .tunnelName(pattern) }
        if let pattern = excluded.first(where: { $0.matches(name) }) { return .excludedByUser(pattern) }
        switch address.address {
        case .ipv4(let value):
            if value & 0xFF00_0000 == 0x7F00_0000 { return .loopbackAddress }
            if value & 0xFFC0_0000 == 0x6440_0000 { return .tailnetPrefix }
        case .ipv6(let bytes):
            if !LocalCandidates.isGlobal(ipv6: bytes) { return .notGlobalIPv6 }
        }
        return nil
    }

    /// The addresses that are candidates, in the order given.
    public func candidates(_ addresses: [InterfaceAddress]) -> [InterfaceAddress] {
        addresses.filter { exclusion(of: $0) == nil }
    }
}

/// Why an interface address is not published as a direct candidate.
public enum CandidateExclusion: Hashable, Sendable, CustomStringConvertible {
    case down
    case loopbackInterface
    case ownWireGuardInterface
    case pointToPoint
    case tunnelName(InterfacePattern)
    case excludedByUser(InterfacePattern)
    case loopbackAddress
    case tailnetPrefix
    case notGlobalIPv6

    public var description: String {
        switch self {
        case .down: "interface down"
        case .loopbackInterface: "loopback interface"
        case .ownWireGuardInterface: "the agent's own WireGuard interface"
        case .pointToPoint: "point-to-point interface (a tunnel)"
        case .tunnelName(let pattern): "named like a tunnel (\(pattern))"
        case .excludedByUser(let pattern): "--exclude-interface \(pattern)"
        case .loopbackAddress: "loopback address"
        case .tailnetPrefix: "inside the tailnet prefix 100.64.0.0/10"
        case .notGlobalIPv6: "IPv6 address not global unicast"
        }
    }
}
