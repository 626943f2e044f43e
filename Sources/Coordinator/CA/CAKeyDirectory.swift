import RelayCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The tailnet CA's private keys as files `<directory>/<key id>.key` (base64 Ed25519 seed, mode 0600), loaded
/// lazily and cached, so a key created by another process (`tailnet-coordinator rotate-ca`) is found when the
/// database names it active.
public final class CAKeyDirectory: CertificateSigning {
    /// Directory holding the key files (created 0700).
    public let directory: String
    private let cache = Mutex<[String: CAPrivateKey]>([:])

    /// Uses (and creates, mode 0700) `directory`.
    /// - Throws: ``CoordinatorError/internalFailure(_:)`` when it cannot be created.
    public init(directory: String) throws {
        self.directory = directory
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw CoordinatorError.internalFailure(
                "cannot create the CA key directory \(directory): \(String(cString: strerror(errno)))")
        }
    }

    func generateKey() throws -> (keyID: String, publicKey: [UInt8]) {
        let key = CAPrivateKey.generate()
        let keyID = key.keyID.description
        do {
            try KeyFile.write(key, to: path(keyID))
        } catch {
            throw CoordinatorError.internalFailure("cannot write the CA private key: \(error)")
        }
        cache.withLock { $0[keyID] = key }
        return (keyID, key.publicKey.bytes)
    }

    func issue(_ order: CertificateOrder, keyID: String, tailnetID: String) throws -> (bytes: [UInt8], notAfter: Int64)
    {
        let key = try privateKey(keyID)
        do {
            let authority = try CertificateAuthority(privateKey: key, tailnetID: tailnetID)
            let certificate = try authority.issue(
                role: order.role == .node ? .node : .relay, subjectKey: try PublicKey(bytes: order.subjectKey),
                subjectID: order.subjectID, subjectName: order.subjectName, tags: order.tags,
                validFor: .seconds(order.validFor), now: Timestamp(unixSeconds: order.now), serial: order.serial)
            return (certificate.encoded(), certificate.notAfter)
        } catch {
            throw CoordinatorError.internalFailure("cannot issue a certificate for \(order.subjectID): \(error)")
        }
    }

    /// The private key `keyID`, from the cache or its file.
    func privateKey(_ keyID: String) throws -> CAPrivateKey {
        if let key = cache.withLock({ $0[keyID] }) { return key }
        do {
            let key = try KeyFile.readCAPrivateKey(at: path(keyID))
            guard key.keyID.description == keyID else {
                throw CoordinatorError.internalFailure(
                    "CA key file \(path(keyID)) holds key \(key.keyID), not \(keyID); restore the right file")
            }
            cache.withLock { $0[keyID] = key }
            return key
        } catch let error as CoordinatorError {
            throw error
        } catch {
            throw CoordinatorError.internalFailure(
                "cannot load CA private key \(keyID): \(error); restore \(path(keyID)) from backup")
        }
    }

    func path(_ keyID: String) -> String {
        directory + "/" + keyID + ".key"
    }
}
