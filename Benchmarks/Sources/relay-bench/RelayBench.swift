import ArgumentParser

/// `relay-bench`: the Swift half of Benchmarks/bench-relay. Sets up real sessions on a running relay-server with
/// RelayClient (so the C load generator can blast data on a bound VNI) and measures bulk allocate/bind rates.
@main
struct RelayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-bench",
        abstract: "Benchmark helper for Benchmarks/bench-relay (not a user tool).",
        subcommands: [PairCommand.self, SessionsCommand.self])
}
