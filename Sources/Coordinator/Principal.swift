/// Who is calling, resolved from a bearer token.
public enum Principal: Sendable, Equatable {
    /// An admin token (`pradm_…`).
    case admin(tokenID: String)
    /// A relay-publisher token (`prpub_…`), used by the operator to publish relays.
    case relayPublisher(tokenID: String)
    /// A node token (`prnode_…`), handed to a node at registration.
    case node(nodeID: String)

    /// Short name for messages.
    var kindName: String {
        switch self {
        case .admin: "admin"
        case .relayPublisher: "relay-publisher"
        case .node: "node"
        }
    }
}
