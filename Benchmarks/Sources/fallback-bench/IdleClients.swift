import BenchmarkSupport
import FallbackClient
import RelayClient
import RelayCore

/// Connects `count` idle clients (`concurrency` handshakes in flight) and reports admissions per second and the
/// relay's RSS growth per client.
func idleClients(
    port: Int, serverPID: Int32, identities: [RelayIdentity], concurrency: Int, output: (String) -> Void
) async throws -> (admissionsPerSecond: Double, kibPerClient: Double, connections: [FallbackConnection]) {
    let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
    // A loaded machine can take long for one handshake; the rate is what is measured, not each handshake's time.
    let configuration = FallbackClientConfiguration(connectTimeout: .seconds(60), handshakeTimeout: .seconds(300))
    let before = residentKiB(pid: serverPID) ?? 0
    output("relay RSS before: \(before) KiB")
    let clock = ContinuousClock()
    let start = clock.now
    var connections: [FallbackConnection] = []
    connections.reserveCapacity(identities.count)
    var next = 0
    try await withThrowingTaskGroup(of: FallbackConnection.self) { group in
        while next < min(concurrency, identities.count) {
            let identity = identities[next]
            group.addTask {
                try await FallbackConnection.connect(to: endpoint, identity: identity, configuration: configuration)
            }
            next += 1
        }
        while let connection = try await group.next() {
            connections.append(connection)
            if connections.count % 2000 == 0 { output("  \(connections.count) admitted") }
            if next < identities.count {
                let identity = identities[next]
                group.addTask {
                    try await FallbackConnection.connect(to: endpoint, identity: identity, configuration: configuration)
                }
                next += 1
            }
        }
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    try await Task.sleep(for: .seconds(2))
    let after = residentKiB(pid: serverPID) ?? 0
    output("relay RSS with \(connections.count) idle clients: \(after) KiB")
    return (Double(connections.count) / seconds, Double(after - before) / Double(connections.count), connections)
}
