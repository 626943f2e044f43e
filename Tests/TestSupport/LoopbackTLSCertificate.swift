import Foundation

/// A self-signed TLS certificate and key for 127.0.0.1 (EC P-256, one day), made with openssl in a fresh temporary
/// directory; `remove()` deletes it.
public struct LoopbackTLSCertificate: Sendable {
    /// The directory holding both files.
    public let directory: TemporaryDirectory
    /// PEM certificate path (also the CA to trust: it is self-signed).
    public var certificate: String { directory.path + "/tls.crt" }
    /// PEM private key path.
    public var key: String { directory.path + "/tls.key" }

    /// Creates the certificate; fails when openssl is missing or refuses.
    public init() throws {
        directory = try TemporaryDirectory(prefix: "peerrelay-tls")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        do {
            try openssl.run()
        } catch {
            directory.remove()
            throw TestSupportError("cannot run /usr/bin/openssl (\(error)); install openssl")
        }
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            directory.remove()
            throw TestSupportError("openssl could not create a test certificate (exit \(openssl.terminationStatus))")
        }
    }

    /// Deletes the directory with both files.
    public func remove() { directory.remove() }
}
