public import RelayCore

/// One way to reach a peer: a direct UDP endpoint, a peer relay (by relay id), or a fallback relay (by region).
public enum PathID: Hashable, Sendable, CustomStringConvertible {
    /// The peer's UDP endpoint, straight from our tailnet port.
    case direct(EndpointAddress)
    /// A session through the peer relay with this id (the coordinator's relay id).
    case relay(String)
    /// The fallback relay of this region.
    case fallback(String)

    /// The kind of path.
    public var kind: PathKind {
        switch self {
        case .direct: .direct
        case .relay: .relay
        case .fallback: .fallback
        }
    }

    public var description: String {
        switch self {
        case .direct(let endpoint): "direct \(endpoint)"
        case .relay(let id): "relay \(id)"
        case .fallback(let region): "fallback \(region)"
        }
    }
}
