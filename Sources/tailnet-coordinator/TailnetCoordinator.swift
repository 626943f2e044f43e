import ArgumentParser
import Coordinator

/// `tailnet-coordinator`: the tailnet control plane (membership, CA, relay registry, netmap).
@main
struct TailnetCoordinator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tailnet-coordinator",
        abstract: "The PeerRelay tailnet control plane: membership, certificates, relay registry and netmaps.",
        discussion: "Start with `init`, then `serve`. See docs/coordinator.md.",
        subcommands: [
            InitCommand.self, ServeCommand.self, FallbackCommand.self, RotateCACommand.self, TokenCommand.self,
        ]
    )
}

/// Options naming where the coordinator keeps its state.
struct StorageOptions: ParsableArguments {
    @Option(help: "Data directory (created 0700): the SQLite database and the CA private keys.")
    var dataDir: String

    @Option(help: "SQLite database file (default: <data-dir>/coordinator.sqlite).")
    var database: String?

    var directory: CoordinatorDataDirectory {
        CoordinatorDataDirectory(path: dataDir, databasePath: database)
    }
}

/// Reports a coordinator error as a validation-style CLI failure.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String

    init(_ error: any Error) {
        description = "\(error)"
    }
}
