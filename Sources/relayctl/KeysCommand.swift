import ArgumentParser
import Tailnet

/// `relayctl keys ...`: pre-auth keys nodes register with.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke pre-auth keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a pre-auth key (the secret is shown once).")

        @OptionGroup var options: CoordinatorOptions

        @Flag(help: "Allow the key to register more than one node.")
        var reusable = false

        @Option(help: "Lifetime, e.g. 1h, 7d (default 24h).")
        var expires: DurationArgument?

        @Option(
            name: .customLong("tag"), help: "Tag granted to nodes registered with the key (repeatable), e.g. tag:ci.")
        var tags: [String] = []

        @Option(help: "Note shown in listings.")
        var description: String?

        func run() async throws {
            await reportingErrors {
                let key = try await options.client().createKey(
                    PreAuthKeyRequest(
                        reusable: reusable, expiresInSeconds: expires.map { $0.duration.seconds }, tags: tags,
                        description: description))
                if options.json {
                    print(try jsonText(key))
                } else {
                    print(KeysCommand.table([key]))
                    print("\nkey (shown once): \(key.key ?? "")")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pre-auth keys.")

        @OptionGroup var options: CoordinatorOptions

        func run() async throws {
            await reportingErrors {
                let keys = try await options.client().listKeys()
                print(options.json ? try jsonText(keys) : KeysCommand.table(keys))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a pre-auth key (registered nodes stay).")

        @OptionGroup var options: CoordinatorOptions

        @Argument(help: "Key id (from `relayctl keys list`).")
        var id: String

        func run() async throws {
            await reportingErrors {
                try await options.client().revokeKey(id: id)
                print(options.json ? try jsonText(["revoked": id]) : "revoked pre-auth key \(id)")
            }
        }
    }

    static func table(_ keys: [PreAuthKeyInfo]) -> String {
        var table = TextTable(header: ["ID", "STATE", "REUSABLE", "USES", "EXPIRES", "TAGS", "DESCRIPTION"])
        for key in keys {
            table.rows.append([
                key.id, key.state, key.reusable ? "yes" : "no", "\(key.useCount)", TextTable.time(key.expiresAt),
                TextTable.list(key.tags), key.description.isEmpty ? "-" : key.description,
            ])
        }
        return table.render(empty: "no pre-auth keys")
    }
}
