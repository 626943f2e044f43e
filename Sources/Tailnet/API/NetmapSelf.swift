/// The polling node's own entry in its netmap.
public struct NetmapSelf: Codable, Sendable, Equatable {
    /// The node as stored.
    public var node: NodeInfo
    /// Current node certificate, standard base64.
    public var certificate: String

    /// Creates the self entry.
    public init(node: NodeInfo, certificate: String) {
        self.node = node
        self.certificate = certificate
    }
}
