import ArgumentParser
import RelayCore

/// `relayctl cert ...`: node and relay certificates.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Issue and inspect tailnet certificates.",
        subcommands: [Issue.self, Show.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Issue a node or relay certificate: writes PREFIX.crt (PEM), PREFIX.pub and, for a new key, PREFIX.key."
        )

        @Option(help: "CA directory made by `relayctl ca init`.")
        var ca: String

        @Option(help: "Certificate role: node (may allocate and bind on relays) or relay.")
        var role: CertificateRole

        @Option(help: "Subject name, e.g. a host name (1-63 bytes).")
        var name: String

        @Option(help: "Subject id (1-63 bytes; default: the name).")
        var id: String?

        @Option(name: .customLong("tag"), help: "A tag, e.g. tag:relay (repeatable, at most 16).")
        var tags: [String] = []

        @Option(help: "Existing X25519 private key file to certify (default: generate PREFIX.key).")
        var key: String?

        @Option(help: "Validity, e.g. 30d, 12h, 90m.")
        var validFor = DurationArgument(argument: "30d")!

        @Option(
            help:
                "Start the validity this long before now (e.g. 2h; with a shorter --valid-for the certificate is already expired, for tests)."
        )
        var backdate = DurationArgument(argument: "0s")!

        @Option(help: "Output path prefix: writes PREFIX.crt, PREFIX.pub and (without --key) PREFIX.key.")
        var out: String

        @Flag(help: "Overwrite existing output files.")
        var force = false

        func validate() throws {
            guard validFor.duration >= .seconds(1) else {
                throw ValidationError("--valid-for must be at least 1s (e.g. 30d, 12h, 90m)")
            }
        }

        func run() async throws {
            await reportingErrors {
                let authority = try CADirectory(path: ca).load()
                let outputs = [out + ".crt", out + ".pub"] + (key == nil ? [out + ".key"] : [])
                if !force, let existing = outputs.first(where: FileSystem.exists) {
                    throw CLIError("\(existing) already exists; choose another --out or pass --force")
                }
                let privateKey: PrivateKey
                if let key {
                    do { privateKey = try KeyFile.readPrivateKey(at: key) } catch { throw CLIError("--key: \(error)") }
                } else {
                    privateKey = PrivateKey.generate()
                }
                let now = Timestamp(nanoseconds: Timestamp.now().nanoseconds - nanoseconds(backdate.duration))
                let certificate: TailnetCertificate
                do {
                    certificate = try authority.issue(
                        role: role, subjectKey: privateKey.publicKey, subjectID: id ?? name, subjectName: name,
                        tags: tags, validFor: validFor.duration, now: now)
                } catch {
                    throw CLIError("cannot issue the certificate: \(error)", exitCode: 2)
                }
                do {
                    if key == nil { try KeyFile.write(privateKey, to: out + ".key") }
                    try KeyFile.write(privateKey.publicKey, to: out + ".pub")
                    try KeyFile.write(certificate, to: out + ".crt")
                } catch {
                    throw CLIError("\(error)")
                }
                print(
                    "issued \(role) certificate \"\(name)\" serial \(certificate.serial) for key \(privateKey.publicKey.base64)"
                )
                print(
                    "  valid \(formatTime(certificate.notBefore)) .. \(formatTime(certificate.notAfter)), tailnet \(authority.tailnetID)"
                )
                print(
                    "  certificate \(out).crt, public key \(out).pub"
                        + (key == nil ? ", private key \(out).key (0600)" : ""))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a certificate's fields and whether it is valid now (and, with --ca, trusted).")

        @Argument(help: "PEM certificate file.")
        var file: String

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Option(help: "Also verify the signature and tailnet against this CA directory (needs ca.pub and tailnet).")
        var ca: String?

        func run() async throws {
            await reportingErrors {
                let certificate: TailnetCertificate
                do throws(KeyFileError) {
                    certificate = try KeyFile.readCertificate(at: file)
                } catch {
                    if case .missing = error {
                        throw CLIError("certificate file \(file) does not exist; check the path")
                    }
                    throw CLIError("\(error)")
                }
                let now = Timestamp.now()
                var verification: String? = nil
                var verificationError: CertificateError? = nil
                if let ca {
                    let verifier = try CADirectory(path: ca).loadVerifier()
                    do throws(CertificateError) {
                        try verifier.verify(certificate, role: certificate.role, sealedBy: nil, now: now)
                        verification = "ok"
                    } catch {
                        verification = "failed"
                        verificationError = error
                    }
                }
                let summary = CertificateSummary(
                    certificate, now: now, verification: verification, verificationError: verificationError)
                print(json ? try summary.json() : summary.text)
                if verificationError != nil { throw ExitCode(1) }
            }
        }
    }
}

func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
}
