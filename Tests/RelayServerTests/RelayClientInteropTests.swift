import RelayClient
import RelayCore
import Testing

@testable import RelayServer

/// The project's client library (RelayClient, used by relayctl and the agent) against the real server: the two
/// sides of PROTOCOL.md were written independently, so this is the interoperability check.
@Suite struct RelayClientInteropTests {
    @Test func relayClientAllocatesBindsPingsAndRebinds() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            let endpoint = RelayEndpoint(address: relay.address, publicKey: relay.relayPublicKey)
            let alice = try tailnet.node("alice")
            let bob = try tailnet.node("bob")
            let a = try await RelayClient.connect(
                identity: try RelayIdentity(privateKey: alice.key, certificate: alice.certificate), relay: endpoint)
            let b = try await RelayClient.connect(
                identity: try RelayIdentity(privateKey: bob.key, certificate: bob.certificate), relay: endpoint)
            do {
                let allocationA = try await a.allocate(peer: bob.publicKey)
                let allocationB = try await b.allocate(peer: alice.publicKey)
                #expect(allocationA.vni == allocationB.vni)
                let sessionA = try await a.bind(allocationA)
                _ = try await b.bind(allocationB)
                // End-to-end Ping/Pong sealed client to client: the relay forwards what it cannot read.
                let rtt = try await sessionA.ping()
                #expect(rtt < .seconds(2))
                try await a.rebind()
                #expect(try await sessionA.ping(paddingLength: 200) < .seconds(2))
                let metrics = try await relay.scrape()
                #expect(metrics.value("relay_sessions", #"state="open""#) == 1)
                #expect(metrics.value("relay_handshakes_total", #"step="answer",result="ok""#) >= 3)
            } catch {
                await a.close()
                await b.close()
                throw error
            }
            await a.close()
            await b.close()
        }
    }
}
