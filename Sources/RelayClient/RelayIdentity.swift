public import RelayCore

/// Who a client is to the relay: its X25519 key and the node certificate the tailnet CA issued for that key.
public struct RelayIdentity: Sendable {
    /// The node's X25519 private key.
    public var privateKey: PrivateKey
    /// The node certificate issued for that key.
    public var certificate: TailnetCertificate

    /// The identity's public key (the certificate's subject key).
    public var publicKey: PublicKey { privateKey.publicKey }

    /// Pairs a key with its certificate; refuses a certificate issued for another key (the relay would refuse it
    /// too, with a less direct message).
    public init(privateKey: PrivateKey, certificate: TailnetCertificate) throws(RelayClientError) {
        guard certificate.subjectKey == privateKey.publicKey else {
            throw .invalidInput(
                "the certificate is for key \(certificate.subjectKey.base64), but the private key's public key is "
                    + "\(privateKey.publicKey.base64); pass the key file the certificate was issued for")
        }
        self.privateKey = privateKey
        self.certificate = certificate
    }

    /// Loads a private key file (base64) and a PEM certificate file.
    public init(keyFile: String, certificateFile: String) throws(RelayClientError) {
        let key: PrivateKey
        let certificate: TailnetCertificate
        do {
            key = try KeyFile.readPrivateKey(at: keyFile)
            certificate = try KeyFile.readCertificate(at: certificateFile)
        } catch {
            throw .invalidInput(error.description)
        }
        try self.init(privateKey: key, certificate: certificate)
    }
}
