import NIOCore
import RelayClient
import RelayCore
import Testing

/// The RelayClient library against a real relay-server on loopback: allocate, bind, data both ways, ping, rebind.
@Suite(.serialized) struct RelayClientSessionTests {
    let configuration = RelayClientConfiguration(localHost: "127.0.0.1", timeout: .milliseconds(500), attempts: 3)

    @Test func dataFlowsBothWaysAndSurvivesARebind() async throws {
        let relay = try await RelayServerHarness()
        defer { relay.stop() }
        let alice = try relay.identity("alice")
        let bob = try relay.identity("bob")
        try await withTwoClients(relay, alice, bob, configuration) { a, b in
            let allocationA = try await a.allocate(peer: bob.publicKey)
            let allocationB = try await b.allocate(peer: alice.publicKey)
            #expect(allocationA.vni == allocationB.vni)
            #expect(allocationA.vni >= 1)
            #expect(allocationA.idleTimeout > .zero)
            // Allocate is idempotent for the pair.
            #expect(try await a.allocate(peer: bob.publicKey).vni == allocationA.vni)

            let sessionA = try await a.bind(allocationA)
            let sessionB = try await b.bind(allocationB)
            let rtt = try await sessionA.ping()
            #expect(rtt > .zero && rtt < .seconds(1))

            try await sessionA.send(Array("hello from alice".utf8))
            try await sessionB.send(Array("hello from bob".utf8))
            #expect(try await first(sessionB.received) == Array("hello from alice".utf8))
            #expect(try await first(sessionA.received) == Array("hello from bob".utf8))

            // Alice moves to a new socket (new source port) and rebinds; traffic follows her.
            let before = a.localAddress
            try await a.rebind()
            #expect(a.localAddress != before)
            _ = try await sessionA.ping()
            try await sessionA.send([1, 2, 3])
            #expect(try await first(sessionB.received) == [1, 2, 3])
            try await sessionB.send([4, 5, 6])
            #expect(try await first(sessionA.received) == [4, 5, 6])
            #expect(try await sessionB.ping() < .seconds(1))
        }
    }

    @Test func refusalsAreTypedWithTheRelaysCode() async throws {
        let relay = try await RelayServerHarness()
        defer { relay.stop() }
        let bob = try relay.identity("bob")
        let expired = try relay.identity(
            "old", validFor: .seconds(60), now: Timestamp(unixSeconds: Timestamp.now().unixSeconds - 3600))
        let relayRole = try relay.identity("relay-as-node", role: .relay)

        for (identity, code) in [(expired, RelayErrorCode.expiredCertificate), (relayRole, .wrongRole)] {
            let client = try await RelayClient.connect(
                identity: identity, relay: relay.relay, configuration: configuration)
            do throws(RelayClientError) {
                _ = try await client.allocate(peer: bob.publicKey)
                Issue.record("the relay must refuse \(identity.certificate.subjectName)")
            } catch {
                #expect(error.relayErrorCode == code, "\(error)")
                #expect(error.description.contains("the relay refused Allocate"))
            }
            await client.close()
        }
    }

    @Test func bindWithoutPeerAllocationStillPingsOnlyOnceBothAreBound() async throws {
        let relay = try await RelayServerHarness()
        defer { relay.stop() }
        let alice = try relay.identity("alice")
        let bob = try relay.identity("bob")
        let quick = RelayClientConfiguration(localHost: "127.0.0.1", timeout: .milliseconds(200), attempts: 2)
        try await withTwoClients(relay, alice, bob, quick) { a, b in
            let session = try await a.bind(try await a.allocate(peer: bob.publicKey))
            // Bob has not bound: nothing is forwarded, the ping fails with a typed, bounded error.
            do throws(RelayClientError) {
                _ = try await session.ping()
                Issue.record("a ping must not be answered before the peer binds")
            } catch {
                guard case .peerUnreachable(let vni, let attempts, _) = error else {
                    Issue.record("expected peerUnreachable, got \(error)")
                    return
                }
                #expect(vni == session.vni)
                #expect(attempts == 2)
            }
            _ = try await b.bind(try await b.allocate(peer: alice.publicKey))
            #expect(try await session.ping() < .seconds(1))
        }
    }
}

/// Runs `body` with one connected client per identity; closes both afterwards, also when `body` throws.
func withTwoClients(
    _ relay: RelayServerHarness, _ first: RelayIdentity, _ second: RelayIdentity,
    _ configuration: RelayClientConfiguration, _ body: (RelayClient, RelayClient) async throws -> Void
) async throws {
    try await RelayClient.withClient(identity: first, relay: relay.relay, configuration: configuration) { a in
        try await RelayClient.withClient(identity: second, relay: relay.relay, configuration: configuration) { b in
            try await body(a, b)
        }
    }
}

/// The first element of `stream`, or an error after 2 s.
func first(_ stream: AsyncStream<[UInt8]>) async throws -> [UInt8]? {
    try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
        group.addTask {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        group.addTask {
            try await Task.sleep(for: .seconds(2))
            throw CancellationError()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
