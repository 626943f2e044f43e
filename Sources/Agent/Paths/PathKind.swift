/// The three kinds of path between two nodes, in order of preference: direct beats a peer relay beats the
/// fallback relay.
public enum PathKind: Int, Comparable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// TCP fallback relay (last resort; works when UDP is blocked).
    case fallback = 0
    /// A peer relay session (UDP through relay-server).
    case relay = 1
    /// Node to node over UDP.
    case direct = 2

    public static func < (lhs: PathKind, rhs: PathKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "direct", "relay" or "fallback" (also the `--force-path` spelling and the metric label).
    public var description: String {
        switch self {
        case .direct: "direct"
        case .relay: "relay"
        case .fallback: "fallback"
        }
    }

    /// Parses "direct", "relay" or "fallback".
    public init?(_ text: String) {
        guard let kind = Self.allCases.first(where: { $0.description == text }) else { return nil }
        self = kind
    }
}
