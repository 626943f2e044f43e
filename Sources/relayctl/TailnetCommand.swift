import ArgumentParser
import CurlHTTP
import RelayCore
import Tailnet

/// `relayctl tailnet ...`: connect relayctl to a tailnet coordinator.
struct TailnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tailnet", abstract: "Connect relayctl to a tailnet coordinator and show the tailnet.",
        subcommands: [Init.self, Status.self, SyncRevocationsCommand.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a coordinator URL and admin token and save them (0600) for the other commands.",
            discussion: "The tailnet itself is created on the coordinator host with `tailnet-coordinator init`.")

        @Option(help: "Coordinator URL, e.g. https://coordinator.example:8480 or http://127.0.0.1:8480.")
        var coordinator: String

        @Option(help: "File holding an admin token (printed by `tailnet-coordinator init`).")
        var adminTokenFile: String

        @Option(help: "PEM CA certificate to verify the coordinator's HTTPS certificate.")
        var coordinatorCA: String?

        @Option(help: "Where to save the connection (default: $XDG_CONFIG_HOME/peerrelay/tailnet.json).")
        var config: String?

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() async throws {
            await reportingErrors {
                let options = try CoordinatorOptions.parse(
                    [
                        "--coordinator", coordinator, "--admin-token-file", adminTokenFile,
                    ] + (coordinatorCA.map { ["--coordinator-ca", $0] } ?? []))
                let client = try options.client()
                let info = try await client.tailnet()
                _ = try await client.listTokens()  // proves the token is an admin token
                let path = config ?? TailnetConfigFile.defaultPath
                try TailnetConfigFile(
                    coordinator: client.baseURL, adminToken: client.token ?? "", coordinatorCA: coordinatorCA,
                    tailnetID: info.id
                ).save(path: path)
                if json {
                    print(try jsonText(info))
                } else {
                    print("connected to tailnet \(info.id) (\(info.name)) at \(client.baseURL); saved \(path)")
                    TailnetCommand.printKeys(info)
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the tailnet id, CA keys and netmap version.")

        @OptionGroup var options: CoordinatorOptions

        func run() async throws {
            await reportingErrors {
                let info = try await options.client().tailnet()
                if options.json {
                    print(try jsonText(info))
                } else {
                    print("tailnet \(info.id) (\(info.name)), netmap version \(info.netmapVersion)")
                    TailnetCommand.printKeys(info)
                }
            }
        }
    }

    static func printKeys(_ info: TailnetInfo) {
        var table = TextTable(header: ["CA KEY ID", "PUBLIC KEY", "STATE"])
        for key in info.caPublicKeys {
            table.rows.append([
                key.keyID, key.publicKey, key.active ? "active" : "trusted until \(TextTable.time(key.trustedUntil))",
            ])
        }
        print(table.render(empty: "no trusted CA keys"))
    }
}
