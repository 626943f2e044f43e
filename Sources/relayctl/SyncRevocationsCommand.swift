import ArgumentParser
import CurlHTTP
import RelayCore
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `relayctl tailnet sync-revocations`: keeps a relay-server config file's `caKeys` and `revokedSerials` equal to
/// the coordinator's revocation list. relay-server watches its config file, so revoked certificates are refused
/// without a restart; while the coordinator is unreachable the last list (cached on disk) stays in force.
struct SyncRevocationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-revocations",
        abstract: "Keep a relay-server config file's CA keys and revoked serials in step with the coordinator.")

    @Option(help: "Coordinator URL.")
    var coordinator: String

    @Option(help: "File holding a token (relay-publisher, admin or node).")
    var tokenFile: String

    @Option(help: "PEM CA certificate to verify the coordinator's HTTPS certificate.")
    var coordinatorCA: String?

    @Option(help: "relay-server JSON config file to update (created if missing; other keys are kept).")
    var relayConfig: String

    @Option(help: "Last good revocation list (default: <relay-config>.revocations.json).")
    var cache: String?

    @Option(help: "Tailnet id the list must belong to.")
    var tailnetID: String?

    @Option(help: "How often to fetch, e.g. 30s.")
    var interval = DurationArgument(argument: "30s")!

    @Flag(help: "Fetch and update once, then exit (1 if the coordinator was unreachable).")
    var once = false

    func run() async throws {
        await reportingErrors {
            let token: String
            do { token = try KeyFile.readText(at: tokenFile).trimmingWhitespace() } catch {
                throw CLIError("\(error)", exitCode: 2)
            }
            let client = try CoordinatorClient(
                baseURL: coordinator, token: token,
                tls: TLSConfiguration(certificateAuthority: coordinatorCA.map { .file($0) }))
            let fetcher = RevocationFetcher(
                client: client, cachePath: cache ?? relayConfig + ".revocations.json", tailnetID: tailnetID)
            if once {
                let fetched = await fetcher.refresh()
                guard let list = await fetcher.current else {
                    throw CLIError("no revocation list: \(await fetcher.lastError ?? "unknown error")")
                }
                try RelayConfigTrust.apply(list, to: relayConfig)
                print(
                    "\(relayConfig): \(list.serials.count) revoked serials, \(list.caPublicKeys.count) CA keys (version \(list.version))"
                )
                if !fetched {
                    throw CLIError("coordinator unreachable, kept the cached list: \(await fetcher.lastError ?? "")")
                }
                return
            }
            await fetcher.run(interval: interval.duration) { list in
                do {
                    try RelayConfigTrust.apply(list, to: relayConfig)
                    print("\(relayConfig): version \(list.version), \(list.serials.count) revoked serials")
                } catch {
                    var stderr = StandardError()
                    print("relayctl: \(error)", to: &stderr)
                }
            }
        }
    }
}

/// Writes a revocation list's CA keys and serials into a relay-server config file, keeping every other setting.
/// The file is read and written as `RelaySettings` (RelayCore), the type relay-server reads it as.
enum RelayConfigTrust {
    static func apply(_ list: RevocationList, to path: String) throws {
        var settings = RelaySettings()
        let exists = FileSystem.exists(path)
        if exists {
            let text: String
            do { text = try KeyFile.readText(at: path) } catch { throw CLIError("\(error)") }
            do {
                settings = try JSONDecoder().decode(RelaySettings.self, from: Data(text.utf8))
            } catch {
                throw CLIError("\(path) is not a relay-server config file (\(error)); fix or remove it")
            }
        }
        let updated = merged(settings, list)
        guard updated != settings || !exists else { return }
        do {
            try KeyFile.writeText(try jsonText(updated) + "\n", to: path)
        } catch {
            throw CLIError("cannot write \(path): \(error)")
        }
    }

    static func merged(_ settings: RelaySettings, _ list: RevocationList) -> RelaySettings {
        var settings = settings
        settings.caKeys = list.caPublicKeys.map(\.publicKey)
        settings.revokedSerials = list.serials
        return settings
    }
}
