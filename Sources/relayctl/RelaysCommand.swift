import ArgumentParser
import Tailnet

/// `relayctl relays ...`: the relay registry.
struct RelaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relays", abstract: "List relays published to the tailnet.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List published relays and their certificates.")

        @OptionGroup var options: CoordinatorOptions

        func run() async throws {
            await reportingErrors {
                let relays = try await options.client().listRelays()
                if options.json {
                    print(try jsonText(relays))
                    return
                }
                var table = TextTable(
                    header: ["ID", "NAME", "REPLICA", "ENDPOINTS", "TAGS", "CERT SERIAL", "CERT EXPIRES", "PUBLIC KEY"])
                for relay in relays {
                    table.rows.append([
                        relay.id, relay.name, "\(relay.replica)", TextTable.list(relay.endpoints),
                        TextTable.list(relay.tags), "\(relay.certificateSerial)",
                        TextTable.time(relay.certificateExpiresAt), relay.publicKey,
                    ])
                }
                print(table.render(empty: "no relays published"))
            }
        }
    }
}
