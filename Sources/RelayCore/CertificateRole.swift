/// What a certificate's subject is allowed to be (PROTOCOL.md §2, byte 4).
public enum CertificateRole: UInt8, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A tailnet node: may allocate and bind on relays.
    case node = 1
    /// A peer relay: proves a published endpoint is a relay of the tailnet.
    case relay = 2

    public var description: String {
        switch self {
        case .node: "node"
        case .relay: "relay"
        }
    }
}
