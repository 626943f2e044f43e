/// One relay grant: nodes carrying any `src` tag may use relays carrying any `dst` tag (`*` matches everything).
///
/// With no grants at all every member may use every relay.
public struct Grant: Codable, Sendable, Equatable {
    /// Node tags (`tag:name`) or `*`.
    public var src: [String]
    /// Relay tags (`tag:name`) or `*`.
    public var dst: [String]

    /// Creates a grant.
    public init(src: [String], dst: [String]) {
        self.src = src
        self.dst = dst
    }
}
