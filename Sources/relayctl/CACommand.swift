import ArgumentParser
import RelayCore

/// `relayctl ca ...`: the tailnet certificate authority.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Manage a tailnet certificate authority (Ed25519).",
        subcommands: [Init.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new tailnet CA: writes ca.key (0600), ca.pub and tailnet into a directory.")

        @Option(help: "Tailnet id the CA signs for: 1-63 characters of a-z, 0-9, '.', '-'.")
        var tailnet: String

        @Option(help: "Directory to write the CA files into (created if missing).")
        var out: String

        @Flag(help: "Replace an existing CA in that directory (invalidates every certificate it issued).")
        var force = false

        func run() async throws {
            await reportingErrors {
                let directory = CADirectory(path: out)
                if FileSystem.exists(directory.keyPath) && !force {
                    throw CLIError(
                        "\(directory.keyPath) already exists; keep using it, or pass --force to replace it "
                            + "(every certificate it issued stops verifying)")
                }
                let key = CAPrivateKey.generate()
                let ca: CertificateAuthority
                do throws(CertificateError) {
                    ca = try CertificateAuthority(privateKey: key, tailnetID: tailnet)
                } catch {
                    let why = if case .malformed(let why) = error { why } else { "\(error)" }
                    throw CLIError("invalid --tailnet \"\(tailnet)\": \(why)", exitCode: 2)
                }
                try FileSystem.makeDirectory(out)
                do {
                    try KeyFile.write(key, to: directory.keyPath)
                    try KeyFile.write(ca.publicKey, to: directory.publicKeyPath)
                    try KeyFile.writeText(tailnet + "\n", to: directory.tailnetPath)
                } catch {
                    throw CLIError("\(error)")
                }
                print("created CA for tailnet \(tailnet): key id \(ca.publicKey.keyID)")
                print("  private key  \(directory.keyPath)   (mode 0600; keep it secret)")
                print("  public key   \(directory.publicKeyPath)   (give this to relays: \(ca.publicKey.base64))")
                print("next: relayctl cert issue --ca \(out) --role node --name NAME --out NAME")
            }
        }
    }
}
