import ArgumentParser
import BenchmarkSupport
import NIOCore
import RelayClient
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// `relay-bench sessions`: allocates and binds many sessions among a pool of node identities (every pair of nodes is
/// one session), measuring completed allocations and binds per second of wall time and per second of relay CPU.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "Allocate and bind many sessions; print one JSON line of rates.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Sessions to create (both sides allocate and bind each one).")
    var sessions = 100_000

    @Option(
        help: "Node identities (each with its own socket); sessions = pairs of nodes, so nodes*(nodes-1)/2 >= sessions."
    )
    var nodes = 450

    @Option(help: "Operations in flight at once.")
    var concurrency = 256

    @Option(help: "PID of relay-server, to read its CPU time and RSS.")
    var relayPID: Int32

    @Option(help: "Per-attempt timeout in milliseconds.")
    var timeoutMilliseconds = 2000

    @Option(help: "Attempts per request.")
    var attempts = 5

    @Option(help: "Sessions to verify end to end with a ping after binding.")
    var verify = 200

    @Flag(
        help: """
            Realistic identities: coordinator-style node ids ("n" + 16 hex digits) and 24-character names, and             sessions spread so that no node has more than 2 * ceil(sessions / nodes) (use nodes >= 2 * sessions / 256             for the default per-node cap of 256). Without it: ids and names "bench-N", every pair of nodes in order.
            """)
    var realisticIdentities = false

    func validate() throws {
        if realisticIdentities {
            guard nodes >= 3, (sessions + nodes - 1) / nodes <= (nodes - 1) / 2 else {
                throw ValidationError("--nodes \(nodes) is too few for \(sessions) spread sessions; raise it")
            }
            return
        }
        guard nodes >= 2, nodes * (nodes - 1) / 2 >= sessions else {
            throw ValidationError("--nodes \(nodes) gives only \(nodes * (nodes - 1) / 2) pairs; raise it")
        }
        guard concurrency >= 1, sessions >= 1 else {
            throw ValidationError("--sessions and --concurrency must be >= 1")
        }
    }

    func run() async throws {
        let relay = try options.endpoint()
        let authority = try options.authority()
        let configuration = RelayClientConfiguration(
            localHost: options.host, timeout: .milliseconds(timeoutMilliseconds), attempts: attempts)
        var clients: [RelayClient] = []
        var generator = SystemRandomNumberGenerator()
        for index in 0..<nodes {
            let identity: RelayIdentity
            if realisticIdentities {
                let id = "n" + Self.hex(generator.next(), digits: 16)
                let name = "host-" + Self.hex(generator.next(), digits: 12) + "-eu-wst"  // 24 characters
                identity = try options.makeIdentity(authority, id: id, name: name)
            } else {
                identity = try options.makeIdentity(authority, id: "bench-\(index)", name: "bench-\(index)")
            }
            clients.append(
                try await RelayClient.connect(identity: identity, relay: relay, configuration: configuration))
        }
        var pairs: [(Int, Int)] = []
        pairs.reserveCapacity(sessions)
        if realisticIdentities {
            // Node i pairs with i+1 ... i+K (mod nodes): every node ends up in at most 2K sessions.
            outer: for distance in 1...((sessions + nodes - 1) / nodes) {
                for i in 0..<nodes {
                    pairs.append((i, (i + distance) % nodes))
                    if pairs.count == sessions { break outer }
                }
            }
        } else {
            outer: for i in 0..<nodes {
                for j in (i + 1)..<nodes {
                    pairs.append((i, j))
                    if pairs.count == sessions { break outer }
                }
            }
        }
        let rssBefore = residentKiB(pid: relayPID) ?? -1
        let all = clients
        let allPairs = pairs

        // Phase 1: both sides allocate every session.
        let allocatePhase = try await measure(relayPID: relayPID) {
            try await runWindowed(count: pairs.count * 2, concurrency: concurrency) { index in
                let (i, j) = allPairs[index / 2]
                let (me, peer) = index % 2 == 0 ? (all[i], all[j]) : (all[j], all[i])
                let allocation = try await me.allocate(peer: peer.identity.publicKey)
                return (index, allocation)
            }
        }
        var allocationsByIndex = [Allocation?](repeating: nil, count: pairs.count * 2)
        for (index, allocation) in allocatePhase.results { allocationsByIndex[index] = allocation }
        let allocations = allocationsByIndex

        // Phase 2: both sides bind every allocated session.
        let bindPhase = try await measure(relayPID: relayPID) {
            try await runWindowed(count: pairs.count * 2, concurrency: concurrency) { index in
                guard let allocation = allocations[index] else {
                    throw RelayClientError.invalidInput("not allocated")
                }
                let (i, j) = allPairs[index / 2]
                let me = index % 2 == 0 ? all[i] : all[j]
                let session = try await me.bind(allocation)
                return (index, session)
            }
        }
        var sessionsByIndex = [RelaySession?](repeating: nil, count: pairs.count * 2)
        for (index, session) in bindPhase.results { sessionsByIndex[index] = session }

        // Verify a sample end to end (both sides must be bound for a Pong to come back).
        var verified = 0
        var sampled = 0
        let stride = max(1, pairs.count / max(1, verify))
        for pair in Swift.stride(from: 0, to: pairs.count, by: stride).prefix(verify) {
            guard let session = sessionsByIndex[pair * 2] else { continue }
            sampled += 1
            if (try? await session.ping()) != nil { verified += 1 }
        }
        let rssAfter = residentKiB(pid: relayPID) ?? -1

        let report = [
            "\"sessions\":\(pairs.count)",
            "\"allocations\":\(allocatePhase.results.count)",
            "\"allocate_seconds\":\(allocatePhase.seconds)",
            "\"allocate_relay_cpu_seconds\":\(allocatePhase.relayCPU)",
            "\"allocate_errors\":\(allocatePhase.errorSummary)",
            "\"binds\":\(bindPhase.results.count)",
            "\"bind_seconds\":\(bindPhase.seconds)",
            "\"bind_relay_cpu_seconds\":\(bindPhase.relayCPU)",
            "\"bind_errors\":\(bindPhase.errorSummary)",
            "\"verified_pings\":\(verified)",
            "\"verify_sampled\":\(sampled)",
            "\"relay_rss_kib_before\":\(rssBefore)",
            "\"relay_rss_kib_after\":\(rssAfter)",
        ]
        print("{" + report.joined(separator: ",") + "}")
        for client in clients { await client.close() }
        clients = []
    }
}

/// Results of one phase: what succeeded, how errors split, wall time and relay CPU time.
struct Phase<Result> {
    var results: [Result]
    var errors: [String: Int]
    var seconds: Double
    var relayCPU: Double

    var errorSummary: String {
        "{" + errors.keys.sorted().map { "\"\($0.replacingQuotes())\":\(errors[$0]!)" }.joined(separator: ",") + "}"
    }
}

extension String {
    func replacingQuotes() -> String { String(map { $0 == "\"" ? "'" : $0 }) }
}

func measure<Result>(
    relayPID: Int32, _ body: () async throws -> (results: [Result], errors: [String: Int])
) async throws -> Phase<Result> {
    let cpuStart = processCPUSeconds(pid: relayPID) ?? .nan
    let start = ContinuousClock.now
    let (results, errors) = try await body()
    let elapsed = ContinuousClock.now - start
    let cpuEnd = processCPUSeconds(pid: relayPID) ?? .nan
    let (seconds, attoseconds) = elapsed.components
    return Phase(
        results: results, errors: errors, seconds: Double(seconds) + Double(attoseconds) / 1e18,
        relayCPU: cpuEnd - cpuStart)
}

/// Runs `operation(0..<count)` with at most `concurrency` in flight; collects results and errors by kind.
func runWindowed<Result: Sendable>(
    count: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Result
) async throws -> (results: [Result], errors: [String: Int]) {
    try await withThrowingTaskGroup(of: (Result?, String?).self) { group in
        var results: [Result] = []
        results.reserveCapacity(count)
        var errors: [String: Int] = [:]
        var next = 0
        func collect(_ outcome: (Result?, String?)) {
            if let result = outcome.0 { results.append(result) }
            if let error = outcome.1 { errors[error, default: 0] += 1 }
        }
        while next < count || !group.isEmpty {
            while next < count && next - results.count - errors.values.reduce(0, +) < concurrency {
                let index = next
                group.addTask {
                    do { return (try await operation(index), nil) } catch let error as RelayClientError {
                        return (nil, error.kind)
                    } catch { return (nil, "\(error)") }
                }
                next += 1
            }
            if let outcome = try await group.next() { collect(outcome) }
        }
        return (results, errors)
    }
}

extension RelayClientError {
    /// Short grouping key for error counts.
    var kind: String {
        switch self {
        case .timeout: "timeout"
        case .refused(_, let code, _): "refused:\(RelayErrorCode(rawValue: code)?.name ?? String(code))"
        case .peerUnreachable: "peerUnreachable"
        case .socket: "socket"
        case .protocolViolation: "protocolViolation"
        case .invalidInput: "invalidInput"
        case .closed: "closed"
        }
    }
}

extension SessionsCommand {
    /// The low `digits` hex digits of `value`, zero-padded.
    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text.suffix(digits)
    }
}
