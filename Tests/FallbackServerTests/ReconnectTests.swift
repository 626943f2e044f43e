import Fallback
import FallbackClient
import FallbackServer
import NIOCore
import PeerRelayTestSupport
import RelayClient
import RelayCore
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(2))) struct ReconnectTests {
    /// Clients ride a server restart on the same port: the server says "shutting down, retry in 1 s", the clients
    /// come back with jitter, and packets flow again.
    @Test func clientsReconnectAfterTheServerRestarts() async throws {
        let testbed = Testbed()
        let alice = testbed.identity("alice")
        let bob = testbed.identity("bob")
        var configuration = FallbackClientConfiguration()
        configuration.reconnectInitial = .milliseconds(50)
        configuration.reconnectMaximum = .milliseconds(500)
        let port = try await withFallbackServer(testbed) { _, port in port }
        let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
        let a = FallbackClient(endpoint: endpoint, identity: alice, configuration: configuration)
        let b = FallbackClient(endpoint: endpoint, identity: bob, configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await a.run() }
            group.addTask { try await b.run() }
            defer { group.cancelAll() }
            for round in 1...2 {
                try await withFallbackServer(testbed, port: port) { server, _ in
                    for _ in 0..<500 where !(a.isConnected && b.isConnected && server.clientCount == 2) {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(a.admissions == round && b.admissions == round)
                    try a.send(to: bob.publicKey, payload: [UInt8(round)])
                    let packet = await firstMatch(b.events) { event -> [UInt8]? in
                        if case .packet(_, let payload, _) = event { return Array(payload.readableBytesView) }
                        return nil
                    }
                    #expect(packet == [UInt8(round)])
                }
                // Between rounds the server is down: sends fail fast with a typed error instead of blocking.
                for _ in 0..<100 where a.isConnected { try await Task.sleep(for: .milliseconds(20)) }
                #expect(throws: FallbackClientError.notConnected) { try a.send(to: bob.publicKey, payload: [0]) }
            }
        }
    }

    @Test func aRefusedCertificateStopsTheClientWithTheReason() async throws {
        let testbed = Testbed()
        let expired = testbed.identity("expired", validFor: .seconds(60), validFrom: .seconds(-3600))
        try await withFallbackServer(testbed) { _, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let client = FallbackClient(endpoint: endpoint, identity: expired)
            do {
                try await client.run()
                Issue.record("run() returned without an error")
            } catch let FallbackClientError.refused(notice) {
                #expect(notice.reason == .expired)
            }
        }
    }
}
