/// Response to `POST /v1/register` and `POST /v1/node/renew`.
public struct RegisterResponse: Codable, Sendable, Equatable {
    /// The node as stored.
    public var node: NodeInfo
    /// Node certificate (`PRC1`, PROTOCOL.md §2), standard base64.
    public var certificate: String
    /// Unix seconds at which the certificate expires; renew before.
    public var certificateExpiresAt: Int64
    /// Bearer token for this node's own calls (netmap, renew, endpoints). Returned at registration only.
    public var nodeToken: String?
    /// Tailnet identity and CA keys.
    public var tailnet: TailnetInfo

    /// Creates a registration response.
    public init(
        node: NodeInfo, certificate: String, certificateExpiresAt: Int64, nodeToken: String?, tailnet: TailnetInfo
    ) {
        self.node = node
        self.certificate = certificate
        self.certificateExpiresAt = certificateExpiresAt
        self.nodeToken = nodeToken
        self.tailnet = tailnet
    }
}
