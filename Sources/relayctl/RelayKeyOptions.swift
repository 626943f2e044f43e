import ArgumentParser
import RelayClient
import RelayCore

/// How a command learns the relay's public key: from its certificate or given directly.
struct RelayKeyOptions: ParsableArguments {
    @Option(help: "The relay's certificate (PEM, role relay): the key is taken from it, and checked with --ca.")
    var relayCert: String?

    @Option(help: "The relay's X25519 public key: base64, or a file holding it (e.g. relay.pub).")
    var relayKey: String?

    @Option(help: "CA directory (needs ca.pub and tailnet) to verify --relay-cert against.")
    var ca: String?

    func validate() throws {
        guard (relayCert == nil) != (relayKey == nil) else {
            throw ValidationError("give exactly one of --relay-cert FILE or --relay-key KEY")
        }
    }

    /// The relay's public key; verifies the relay certificate when a CA is given.
    func load() throws(CLIError) -> PublicKey {
        if let relayKey {
            if let key = PublicKey(base64: relayKey.trimmingWhitespace()) { return key }
            guard FileSystem.exists(relayKey) else {
                throw CLIError("--relay-key \"\(relayKey)\" is neither a base64 X25519 public key nor an existing file")
            }
            do { return try KeyFile.readPublicKey(at: relayKey) } catch { throw CLIError("--relay-key: \(error)") }
        }
        let certificate: TailnetCertificate
        do { certificate = try KeyFile.readCertificate(at: relayCert!) } catch {
            throw CLIError("--relay-cert: \(error)")
        }
        if let ca {
            let verifier = try CADirectory(path: ca).loadVerifier()
            do {
                try verifier.verify(certificate, role: .relay, sealedBy: nil, now: .now())
            } catch {
                throw CLIError("--relay-cert \(relayCert!) is not a relay of this tailnet: \(error)")
            }
        } else if certificate.role != .relay {
            throw CLIError("--relay-cert \(relayCert!) has role \(certificate.role), a relay certificate is required")
        }
        return certificate.subjectKey
    }
}
