/// The address family a datagram arrived on or leaves by; the `in`/`out` labels of the forwarding metrics.
public enum Transport: Int, Sendable, CaseIterable {
    case udp4 = 0
    case udp6 = 1

    /// The metric label, `udp4` or `udp6`.
    public var label: String {
        switch self {
        case .udp4: "udp4"
        case .udp6: "udp6"
        }
    }
}
