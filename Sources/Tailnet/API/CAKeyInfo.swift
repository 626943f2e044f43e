/// One trusted public key of the tailnet CA, as published in netmaps, revocation lists and relay configuration.
///
/// During a rotation two keys are listed: the new one (`active`, used for signing) and the previous one, which
/// stays trusted until `trustedUntil`.
public struct CAKeyInfo: Codable, Sendable, Equatable {
    /// Key id: first 8 bytes of BLAKE2b-256 of the public key, lowercase hex (PROTOCOL.md §1).
    public var keyID: String
    /// Ed25519 public key, standard base64.
    public var publicKey: String
    /// Whether the coordinator signs new certificates with this key.
    public var active: Bool
    /// Unix seconds after which the key is no longer trusted; `nil` while it is the active key.
    public var trustedUntil: Int64?

    /// Creates a CA key entry.
    public init(keyID: String, publicKey: String, active: Bool, trustedUntil: Int64?) {
        self.keyID = keyID
        self.publicKey = publicKey
        self.active = active
        self.trustedUntil = trustedUntil
    }
}
