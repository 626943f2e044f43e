import ArgumentParser
import CurlHTTP
import RelayCore
import Tailnet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How relayctl reaches the coordinator: flags, then `PEERRELAY_COORDINATOR` / `PEERRELAY_ADMIN_TOKEN`, then the
/// file `relayctl tailnet init` wrote.
struct CoordinatorOptions: ParsableArguments {
    @Option(help: "Coordinator URL (default: $PEERRELAY_COORDINATOR or the saved config).")
    var coordinator: String?

    @Option(help: "File holding the admin token (default: $PEERRELAY_ADMIN_TOKEN or the saved config).")
    var adminTokenFile: String?

    @Option(help: "PEM CA certificate to verify the coordinator's HTTPS certificate.")
    var coordinatorCA: String?

    @Option(help: "relayctl's tailnet config file (default: $XDG_CONFIG_HOME/peerrelay/tailnet.json).")
    var config: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// The client, or a CLI error saying which setting is missing.
    func client() throws -> CoordinatorClient {
        let saved = TailnetConfigFile.load(path: config ?? TailnetConfigFile.defaultPath)
        guard let url = coordinator ?? environment("PEERRELAY_COORDINATOR") ?? saved?.coordinator else {
            throw CLIError(
                "no coordinator configured; pass --coordinator URL, set PEERRELAY_COORDINATOR, "
                    + "or run `relayctl tailnet init`", exitCode: 2)
        }
        let token: String
        if let adminTokenFile {
            do {
                token = try KeyFile.readText(at: adminTokenFile).trimmingWhitespace()
            } catch {
                throw CLIError("\(error)", exitCode: 2)
            }
        } else if let fromEnvironment = environment("PEERRELAY_ADMIN_TOKEN") ?? saved?.adminToken {
            token = fromEnvironment
        } else {
            throw CLIError(
                "no admin token configured; pass --admin-token-file, set PEERRELAY_ADMIN_TOKEN, "
                    + "or run `relayctl tailnet init`", exitCode: 2)
        }
        let ca = coordinatorCA ?? saved?.coordinatorCA
        do {
            return try CoordinatorClient(
                baseURL: url, token: token, tls: TLSConfiguration(certificateAuthority: ca.map { .file($0) }))
        } catch {
            throw CLIError("\(error)", exitCode: 2)
        }
    }

    private func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
