import ArgumentParser
import Coordinator
import Tailnet

/// `tailnet-coordinator token`: creates API tokens directly in the database (e.g. a relay-publisher token for the
/// operator, or a replacement admin token).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create an admin or relay-publisher API token.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Token kind: admin or relay-publisher.")
    var kind: String

    @Option(help: "Note shown in token listings.")
    var description: String?

    @Option(help: "Write the token to this file (mode 0600) instead of printing it.")
    var output: String?

    func run() async throws {
        let store = try storage.directory.openStore()
        defer { try? store.close() }
        let token = try await store.createToken(TokenRequest(kind: kind, description: description))
        if let output {
            try TokenFile.write(token.token ?? "", to: output)
            print("\(token.kind) token \(token.id) written to \(output)")
        } else {
            print(token.token ?? "")
        }
    }
}
