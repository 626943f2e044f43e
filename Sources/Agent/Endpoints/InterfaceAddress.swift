/// One address of one network interface, as the operating system lists it (`getifaddrs`): what `CandidateFilter`
/// decides on. The I/O layer only reads these; every decision about them is the filter's.
public struct InterfaceAddress: Hashable, Sendable {
    /// An IPv4 address (host byte order) or 16 IPv6 address bytes.
    public enum Address: Hashable, Sendable {
        case ipv4(UInt32)
        case ipv6([UInt8])
    }

    /// The interface's name, e.g. `eth0`, `wg0`, `tailscale0`.
    public var interface: String
    /// The interface's flags.
    public var flags: InterfaceFlags
    /// The address.
    public var address: Address

    /// Creates a record.
    public init(interface: String, flags: InterfaceFlags, address: Address) {
        self.interface = interface
        self.flags = flags
        self.address = address
    }
}

/// The interface flags the candidate filter reads; raw values are the `IFF_*` bits of `ifa_flags` (the same on Linux
/// and the BSDs for these three).
public struct InterfaceFlags: OptionSet, Hashable, Sendable {
    /// The `ifa_flags` bits.
    public let rawValue: UInt32

    /// Creates flags from `ifa_flags` bits (other bits are kept and ignored).
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `IFF_UP`: administratively up.
    public static let up = InterfaceFlags(rawValue: 0x1)
    /// `IFF_LOOPBACK`.
    public static let loopback = InterfaceFlags(rawValue: 0x8)
    /// `IFF_POINTOPOINT`: a point-to-point link. WireGuard (kernel and wireguard-go's TUN), Tailscale, OpenVPN's tun
    /// and PPP interfaces all set it.
    public static let pointToPoint = InterfaceFlags(rawValue: 0x10)
}
