import Tailnet

/// Decides which relays a node may use. Pure; mirrors Tailscale's `cap/relay` grants in a reduced form.
enum GrantPolicy {
    /// Whether a node with `nodeTags` may use a relay with `relayTags` under `grants`.
    ///
    /// No grants at all means every member may use every relay. Otherwise some grant must match the node
    /// (`*` or a shared tag in `src`) and the relay (`*` or a shared tag in `dst`).
    static func allows(nodeTags: [String], relayTags: [String], grants: [Grant]) -> Bool {
        guard !grants.isEmpty else { return true }
        return grants.contains { grant in
            matches(grant.src, nodeTags) && matches(grant.dst, relayTags)
        }
    }

    private static func matches(_ selectors: [String], _ tags: [String]) -> Bool {
        selectors.contains("*") || selectors.contains(where: tags.contains)
    }
}
