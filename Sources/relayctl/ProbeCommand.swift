import ArgumentParser
import NIOCore
import RelayClient
import RelayCore

/// `relayctl probe`: two local identities allocate and bind one session through a relay and ping each other
/// end to end, proving the relay admits them and forwards.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Check a relay end to end: two node identities allocate, bind and exchange sealed pings through it.",
        discussion: """
            Each --identity is a path prefix: PREFIX.key (X25519 private key) and PREFIX.crt (node certificate),
            as written by `relayctl cert issue --role node --out PREFIX`. Exits 0 when every step worked and at least
            one ping was answered; otherwise prints the reason (the relay's sealed Error, a timeout, ...) and exits 1.
            """)

    @Option(help: "The relay's UDP endpoint, e.g. 127.0.0.1:40000.")
    var relay: String

    @OptionGroup var relayKeyOptions: RelayKeyOptions

    @OptionGroup var identityOptions: ProbeIdentityOptions

    @Option(help: "Number of pings.")
    var count = 5

    @Option(help: "Wait per attempt for a relay reply or a pong, e.g. 1s, 500ms.")
    var timeout = DurationArgument(argument: "1s")!

    @Option(help: "Attempts per request before giving up.")
    var attempts = 3

    @Option(help: "Local address for both sides' sockets.")
    var localHost = "127.0.0.1"

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count must be 1...10000") }
        guard (1...100).contains(attempts) else { throw ValidationError("--attempts must be 1...100") }
        guard timeout.duration > .zero else { throw ValidationError("--timeout must be positive, e.g. 1s") }
    }

    func run() async throws {
        await reportingErrors {
            let relayKey = try relayKeyOptions.load()
            let endpoint: RelayEndpoint
            let sides: [RelayIdentity]
            do {
                endpoint = try RelayEndpoint(endpoint: relay, publicKey: relayKey)
                sides = try identityOptions.load()
            } catch {
                throw CLIError("\(error)", exitCode: 2)
            }
            let configuration = RelayClientConfiguration(
                localHost: localHost, timeout: timeout.duration, attempts: attempts)
            let report = await RelayProbe(relay: endpoint, sides: sides, configuration: configuration, count: count)
                .run { line in if !json { print(line) } }
            if json { print(try jsonText(report)) }
            if let failure = report.failure {
                throw CLIError("probe failed: \(failure)")
            }
        }
    }
}
