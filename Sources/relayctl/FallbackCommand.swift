import ArgumentParser
import FallbackClient
import RelayClient

/// `relayctl fallback`: tools for fallback relays.
struct FallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fallback", abstract: "Fallback (TCP) relay tools.", subcommands: [FallbackProbeCommand.self])
}

/// `relayctl fallback probe`: two node identities exchange packets through a fallback relay and print the RTTs.
struct FallbackProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Check a fallback relay end to end: two node identities connect, A sends N packets to B, B echoes.",
        discussion: """
            Each --identity is a path prefix: PREFIX.key (X25519 private key) and PREFIX.crt (node certificate), as
            written by `relayctl cert issue --role node --out PREFIX`. Exits 0 when both sides were admitted and at
            least one packet came back; otherwise prints the reason (e.g. the relay's refusal) and exits 1.
            """)

    @Option(
        help:
            "The relay URL as the netmap lists it, e.g. https://coord.example.net/fallback (ws:// or wss:// for WebSocket)."
    )
    var url: String

    @Flag(help: "Use the WebSocket transport instead of the HTTP upgrade.")
    var websocket = false

    @Option(help: "PEM CA certificate to verify the relay's HTTPS certificate (default: the system's roots).")
    var ca: String?

    @OptionGroup var identityOptions: ProbeIdentityOptions

    @Option(help: "Number of packets.")
    var count = 5

    @Option(help: "Packet size in bytes (at least 4).")
    var size = 64

    @Option(help: "Wait per packet for its echo, e.g. 2s, 500ms.")
    var timeout = DurationArgument(argument: "2s")!

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be 1...100000") }
        guard (4...65_504).contains(size) else { throw ValidationError("--size must be 4...65504") }
        guard timeout.duration > .zero else { throw ValidationError("--timeout must be positive, e.g. 2s") }
    }

    func run() async throws {
        await reportingErrors {
            let endpoint: FallbackEndpoint
            let sides: [RelayIdentity]
            var configuration = FallbackClientConfiguration()
            do {
                endpoint = try FallbackEndpoint(url: url, transport: websocket ? .websocket : .upgrade)
                if let ca { configuration = try FallbackClientConfiguration.trusting(caFile: ca) }
                sides = try identityOptions.load()
            } catch {
                throw CLIError("\(error)", exitCode: 2)
            }
            let report = await FallbackProbe(
                endpoint: endpoint, sides: sides, configuration: configuration, count: count, payloadSize: size,
                timeout: timeout.duration
            ).run { line in if !json { print(line) } }
            if json { print(try jsonText(report)) }
            if let failure = report.failure { throw CLIError("fallback probe failed: \(failure)") }
        }
    }
}
