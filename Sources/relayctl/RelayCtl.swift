import ArgumentParser

/// `relayctl`: PeerRelay's admin and debug CLI. Each subcommand lives in its own file; add new ones to the list.
@main
struct RelayCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relayctl",
        abstract: "PeerRelay admin and debug CLI: tailnet CA and certificates, relay probes, sessions.",
        subcommands: [
            CACommand.self,
            CertCommand.self,
            ProbeCommand.self,
            FallbackCommand.self,
            SessionListCommand.self,
            ConnectCommand.self,
            TailnetCommand.self,
            KeysCommand.self,
            NodesCommand.self,
            RelaysCommand.self,
            AgentStatusCommand.self,
            AgentPingCommand.self,
        ]
    )
}
