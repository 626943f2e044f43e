import ArgumentParser
import RelayClient
import RelayCore

/// `relay-bench pair`: allocates one session for two fresh identities, binds side A from `--a-port` and side B from
/// `--b-port`, checks forwarding with a ping, closes the sockets (the relay keeps the binding) and prints the VNI.
/// The load generator then sends from the A port and the sink listens on the B port.
struct PairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair", abstract: "Bind one session from two fixed local ports, then hand the ports off.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Local UDP port of side A (the generator's source port).")
    var aPort: Int

    @Option(help: "Local UDP port of side B (the sink's port).")
    var bPort: Int

    func run() async throws {
        let relay = try options.endpoint()
        let authority = try options.authority()
        let a = try options.makeIdentity(authority, name: "bench-a")
        let b = try options.makeIdentity(authority, name: "bench-b")
        let clientA = try await RelayClient.connect(
            identity: a, relay: relay, configuration: .init(localHost: options.host, localPort: aPort))
        let clientB: RelayClient
        do {
            clientB = try await RelayClient.connect(
                identity: b, relay: relay, configuration: .init(localHost: options.host, localPort: bPort))
        } catch {
            await clientA.close()
            throw error
        }
        do {
            let allocationA = try await clientA.allocate(peer: b.publicKey)
            let allocationB = try await clientB.allocate(peer: a.publicKey)
            let session = try await clientA.bind(allocationA)
            _ = try await clientB.bind(allocationB)
            let rtt = try await session.ping()
            let (seconds, attoseconds) = rtt.components
            print("vni=\(allocationA.vni) rtt_us=\(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)")
        } catch {
            await clientA.close()
            await clientB.close()
            throw error
        }
        await clientA.close()
        await clientB.close()
    }
}
