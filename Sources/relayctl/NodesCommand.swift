import ArgumentParser
import Tailnet

/// `relayctl nodes ...`: tailnet members.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "List and remove tailnet nodes.", subcommands: [List.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered nodes.")

        @OptionGroup var options: CoordinatorOptions

        func run() async throws {
            await reportingErrors {
                let nodes = try await options.client().listNodes()
                if options.json {
                    print(try jsonText(nodes))
                    return
                }
                var table = TextTable(header: [
                    "ID", "NAME", "ADDRESS", "TAGS", "CERT SERIAL", "CERT EXPIRES", "ENDPOINTS",
                ])
                for node in nodes {
                    table.rows.append([
                        node.id, node.name, node.address, TextTable.list(node.tags), "\(node.certificateSerial)",
                        TextTable.time(node.certificateExpiresAt), TextTable.list(node.endpoints),
                    ])
                }
                print(table.render(empty: "no nodes"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a node and revoke its certificates (relays refuse them after their next fetch).")

        @OptionGroup var options: CoordinatorOptions

        @Argument(help: "Node id (from `relayctl nodes list`).")
        var id: String

        func run() async throws {
            await reportingErrors {
                let result = try await options.client().removeNode(id: id)
                if options.json {
                    print(try jsonText(result))
                } else {
                    let serials = result.revokedSerials.map(String.init).joined(separator: ", ")
                    print("removed node \(id); revoked certificate serials: \(serials.isEmpty ? "none" : serials)")
                }
            }
        }
    }
}
