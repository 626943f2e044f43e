import ArgumentParser
import BenchmarkSupport
import CurlHTTP
import RelayCore
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Load generator for `Benchmarks/bench-coordinator`: registrations per second, then netmap fan-out to many long-polling
/// nodes after one change. Talks to a running coordinator through the real `Tailnet` client.
@main
struct CoordinatorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator-bench", abstract: "Benchmark a running tailnet-coordinator (loopback).")

    @Option(help: "Coordinator URL.")
    var coordinator: String

    @Option(help: "File holding an admin token.")
    var adminTokenFile: String

    @Option(help: "Nodes to register.")
    var registrations = 1000

    @Option(help: "Registrations in flight at once.")
    var concurrency = 16

    @Option(help: "Long-polling nodes for the fan-out measurement (at most --registrations).")
    var pollers = 1000

    @Option(help: "PID of the coordinator, to sample its resident memory.")
    var pid: Int32?

    func validate() throws {
        guard registrations > 0, concurrency > 0, (1...registrations).contains(pollers) else {
            throw ValidationError("need registrations > 0, concurrency > 0 and 1 ≤ pollers ≤ registrations")
        }
    }

    func run() async throws {
        let token = try KeyFile.readText(at: adminTokenFile).trimmingCharacters()
        let http = HTTPClient(
            configuration: HTTPClientConfiguration(
                requestTimeout: .seconds(180), preferHTTP2: false, maxIdleConnections: pollers + concurrency))
        let admin = try CoordinatorClient(baseURL: coordinator, token: token, http: http)
        let key = try await admin.createKey(PreAuthKeyRequest(reusable: true, expiresInSeconds: 3600))
        let rssIdle = residentKiB()

        // 1. Registrations per second, `concurrency` in flight.
        let clock = ContinuousClock()
        let started = clock.now
        let tokens = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine: [String] = []
                    for index in stride(from: worker, to: registrations, by: concurrency) {
                        let response = try await admin.register(
                            RegisterRequest(
                                preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64,
                                name: "bench-\(index)", endpoints: ["192.0.2.\(index % 250 + 1):41641"]))
                        mine.append(response.nodeToken ?? "")
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        let registrationTime = clock.now - started
        let rssAfterRegistrations = residentKiB()

        // 2. Fan-out: every poller holds a long poll; one change; time until each has the new version.
        let version = try await admin.tailnet().netmapVersion
        let pollerTokens = Array(tokens.prefix(pollers))
        let result = try await withThrowingTaskGroup(of: (Duration, [UInt8])?.self) { group in
            let changeAt = ChangeTime()
            for pollerToken in pollerTokens {
                group.addTask {
                    // Time until the whole netmap has arrived; it is decoded and checked after the measurement so
                    // that 1,000 decodes in this one process do not compete with the coordinator for the CPU.
                    var headers = HTTPHeaders()
                    headers.set("Authorization", "Bearer \(pollerToken)")
                    let response = try await http.send(
                        HTTPRequest(
                            url: coordinator + "/v1/netmap?since=\(version)&timeout=120", headers: headers,
                            timeout: .seconds(150)))
                    guard response.status == 200, let at = await changeAt.value else { return nil }
                    return (clock.now - at, response.body)
                }
            }
            // Wait (bounded) until the coordinator holds every long poll.
            var waiting = 0
            for _ in 0..<600 {
                waiting = try await waiterCount(http: http)
                if waiting >= pollers { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let rssHolding = residentKiB()
            let at = clock.now
            await changeAt.set(at)
            _ = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "trigger")
            )
            var latencies: [Duration] = []
            var missed = 0
            let sampler = Task { () -> Int? in
                var peak = residentKiB()
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(20))
                    if let now = residentKiB() { peak = max(peak ?? 0, now) }
                }
                return peak
            }
            var bodies: [[UInt8]] = []
            for try await arrival in group {
                if let arrival {
                    latencies.append(arrival.0)
                    bodies.append(arrival.1)
                } else {
                    missed += 1
                }
            }
            sampler.cancel()
            let peak = await sampler.value
            let decoder = JSONDecoder()
            for body in bodies {
                guard let netmap = try? decoder.decode(Netmap.self, from: Data(body)), netmap.version > version,
                    netmap.peers.count == registrations
                else {
                    missed += 1
                    continue
                }
            }
            return FanOut(
                waitingAtChange: waiting, latencies: latencies.sorted(), missed: missed, rssHolding: rssHolding,
                rssPeak: peak)
        }

        let seconds =
            Double(registrationTime.components.seconds) + Double(registrationTime.components.attoseconds) / 1e18
        print(
            "registrations: \(registrations) in \(format(seconds)) s = \(format(Double(registrations) / seconds)) /s (concurrency \(concurrency))"
        )
        print(
            "fan-out: \(result.latencies.count)/\(pollers) pollers got the change (\(result.missed) missed), \(result.waitingAtChange) were waiting at the change"
        )
        if !result.latencies.isEmpty {
            let ms = result.latencies.map {
                Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15
            }
            print(
                "fan-out latency ms: p50 \(format(ms[ms.count / 2])) p99 \(format(ms[min(ms.count - 1, ms.count * 99 / 100)])) max (all delivered) \(format(ms.last!))"
            )
        }
        print(
            "coordinator RSS MiB: idle \(mib(rssIdle)), after registrations \(mib(rssAfterRegistrations)), holding \(pollers) polls \(mib(result.rssHolding)), peak during fan-out \(mib(result.rssPeak))"
        )
        if result.missed > 0 { throw ExitCode(1) }
    }

    struct FanOut: Sendable {
        var waitingAtChange: Int
        var latencies: [Duration]
        var missed: Int
        var rssHolding: Int?
        var rssPeak: Int?
    }

    actor ChangeTime {
        var value: ContinuousClock.Instant?
        func set(_ at: ContinuousClock.Instant) { value = at }
    }

    func waiterCount(http: HTTPClient) async throws -> Int {
        let response = try await http.send(HTTPRequest(url: coordinator + "/metrics"))
        for line in response.bodyText.split(separator: "\n") where line.hasPrefix("coordinator_netmap_waiters ") {
            return Int(Double(line.split(separator: " ").last ?? "0") ?? 0)
        }
        return 0
    }

    func residentKiB() -> Int? {
        pid.flatMap { BenchmarkSupport.residentKiB(pid: $0) }
    }

    func mib(_ kib: Int?) -> String {
        kib.map { format(Double($0) / 1024) } ?? "?"
    }

    func format(_ value: Double) -> String {
        let scaled = (value * 10).rounded() / 10
        return "\(scaled)"
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.filter { !$0.isWhitespace })
    }
}
