/// A published relay replica, with its current certificate.
public struct RelayInfo: Codable, Sendable, Equatable {
    /// Relay id (also the certificate subject id).
    public var id: String
    /// Relay name.
    public var name: String
    /// Replica index.
    public var replica: Int
    /// X25519 public key, standard base64.
    public var publicKey: String
    /// UDP endpoints.
    public var endpoints: [String]
    /// Tags.
    public var tags: [String]
    /// Labels.
    public var labels: [String: String]
    /// Relay certificate (`PRC1`, role relay), standard base64.
    public var certificate: String
    /// Serial of the certificate.
    public var certificateSerial: UInt64
    /// Unix seconds at which the certificate expires; re-publish before.
    public var certificateExpiresAt: Int64
    /// Unix seconds of the last publish.
    public var updatedAt: Int64

    /// Creates a relay entry.
    public init(
        id: String, name: String, replica: Int, publicKey: String, endpoints: [String], tags: [String],
        labels: [String: String], certificate: String, certificateSerial: UInt64, certificateExpiresAt: Int64,
        updatedAt: Int64
    ) {
        self.id = id
        self.name = name
        self.replica = replica
        self.publicKey = publicKey
        self.endpoints = endpoints
        self.tags = tags
        self.labels = labels
        self.certificate = certificate
        self.certificateSerial = certificateSerial
        self.certificateExpiresAt = certificateExpiresAt
        self.updatedAt = updatedAt
    }
}
