import ArgumentParser

/// `fallback-bench`: the fallback relay benchmark (driven by `Benchmarks/bench-fallback`; results in
/// docs/benchmarks.md). `run` starts a relay in a child process (`serve`) so that its memory can be measured alone.
@main
struct FallbackBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fallback-bench",
        abstract: "Benchmark the fallback relay: relayed vs direct TCP throughput, RSS per idle client, admissions/s.",
        subcommands: [BenchRunCommand.self, BenchServeCommand.self], defaultSubcommand: BenchRunCommand.self)
}
