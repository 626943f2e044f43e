/// The tailnet CA as the store sees it: creates CA keys (keeping the private half on disk) and signs certificates.
///
/// The production implementation is ``CAKeyDirectory``; the protocol keeps the store independent of where keys live.
protocol CertificateSigning: Sendable {
    /// Creates a new CA key pair and stores its private key; returns the key id (hex) and public key.
    /// - Throws: ``CoordinatorError/internalFailure(_:)`` when the key cannot be written.
    func generateKey() throws -> (keyID: String, publicKey: [UInt8])

    /// Signs `order` with the CA key `keyID` for `tailnetID`.
    /// - Returns: The encoded certificate and its notAfter (Unix seconds).
    /// - Throws: ``CoordinatorError/internalFailure(_:)`` when the key is missing or the order cannot be encoded.
    func issue(_ order: CertificateOrder, keyID: String, tailnetID: String) throws -> (bytes: [UInt8], notAfter: Int64)
}
