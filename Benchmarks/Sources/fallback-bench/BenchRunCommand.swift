import ArgumentParser
import BenchmarkSupport
import FallbackClient
import RelayClient
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// `fallback-bench run`: the whole benchmark.
struct BenchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmark.")

    @Option(help: "Seconds measured per throughput window.")
    var window: Int = 3

    @Option(help: "Packets in flight (credit); below the relay's 64-packet queue, so the relay never drops.")
    var inFlight: Int = 48

    @Option(help: "Packet sizes in bytes, comma separated.")
    var sizes = "1280,16384"

    @Option(help: "Idle clients to connect.")
    var clients = 10_000

    @Option(help: "Handshakes in flight while connecting idle clients.")
    var concurrency = 64

    func run() async throws {
        let limit = raiseOpenFileLimit()
        print("open-file limit: \(limit) (each client is one descriptor here and one in the relay)")
        guard limit > clients + 200 else {
            throw BenchError("the open-file limit \(limit) is too low for \(clients) clients; raise `ulimit -n` (hard)")
        }
        print("load average at start: \(loadAverage())")
        let ca = try CertificateAuthority(privateKey: .generate(), tailnetID: "bench.ts")
        func identity(_ name: String) throws -> RelayIdentity {
            let key = PrivateKey.generate()
            let certificate = try ca.issue(
                role: .node, subjectKey: key.publicKey, subjectID: name, subjectName: name, validFor: .seconds(86_400))
            return try RelayIdentity(privateKey: key, certificate: certificate)
        }
        let executable = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : "/proc/self/exe"
        let child = try ChildProcess([
            resolvedExecutable(executable), "serve", "--ca-key", ca.publicKey.base64, "--tailnet", "bench.ts",
        ])
        defer { child.terminate() }
        guard let line = child.readLine(), line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            throw BenchError("the relay child did not report its port")
        }
        print("relay: pid \(child.pid), port \(port)")

        print("\n== throughput (window \(window) s, \(inFlight) packets in flight, order relay direct direct relay)")
        var summary: [String] = []
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let (relay, direct) = try await throughput(
                port: port, identities: (try identity("sender"), try identity("receiver")), size: size,
                window: inFlight, duration: .seconds(window)
            ) { print($0) }
            let relayPPS = relay.map(\.packetsPerSecond).reduce(0, +) / Double(relay.count)
            let directPPS = direct.map(\.packetsPerSecond).reduce(0, +) / Double(direct.count)
            let relayGbps = relay.map(\.gigabitsPerSecond).reduce(0, +) / Double(relay.count)
            let directGbps = direct.map(\.gigabitsPerSecond).reduce(0, +) / Double(direct.count)
            let text =
                "size \(size): relay \(Int(relayPPS)) pps \(format(relayGbps, 3)) Gbit/s; direct \(Int(directPPS)) pps "
                + "\(format(directGbps, 3)) Gbit/s; relay/direct \(format(relayPPS / directPPS, 2))"
            print(text)
            summary.append(text)
        }

        print("\n== \(clients) idle clients (\(concurrency) handshakes in flight)")
        let identities = try (0..<clients).map { try identity("idle-\($0)") }
        let (rate, perClient, connections) = try await idleClients(
            port: port, serverPID: child.pid, identities: identities, concurrency: concurrency
        ) { print($0) }
        let idleText =
            "\(connections.count) idle clients: \(format(perClient, 1)) KiB RSS per client (target ≤ 64); "
            + "\(Int(rate)) admissions/s"
        print(idleText)
        summary.append(idleText)
        for connection in connections { await connection.close() }
        print("load average at end: \(loadAverage())")
        print("\n== summary")
        for line in summary { print(line) }
    }

    private func resolvedExecutable(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(cString: buffer) : path
    }
}
