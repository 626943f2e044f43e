import NIOCore
import NIOPosix
import RelayClient
import RelayCore
import Testing

/// Requests to a relay that never answers fail with a typed timeout within attempts × timeout.
@Suite struct RelayClientTimeoutTests {
    @Test func allocateAgainstASilentSocketTimesOut() async throws {
        // A real UDP socket that receives and never answers (what a relay does with boxes it cannot open).
        let silent = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let relay = try RelayEndpoint(endpoint: "127.0.0.1:\(port)", publicKey: PrivateKey.generate().publicKey)
        let ca = try CertificateAuthority(privateKey: .generate(), tailnetID: "timeout.example")
        let key = PrivateKey.generate()
        let identity = try RelayIdentity(
            privateKey: key,
            certificate: ca.issue(role: .node, subjectKey: key.publicKey, subjectID: "n", subjectName: "n"))
        let configuration = RelayClientConfiguration(localHost: "127.0.0.1", timeout: .milliseconds(150), attempts: 2)

        let client = try await RelayClient.connect(identity: identity, relay: relay, configuration: configuration)
        let started = ContinuousClock.now
        let outcome: RelayClientError?
        do {
            _ = try await client.allocate(peer: PrivateKey.generate().publicKey)
            outcome = nil
        } catch {
            outcome = error
        }
        let elapsed = ContinuousClock.now - started
        await client.close()
        try await silent.close()

        guard case .timeout(let step, _, let attempts, _)? = outcome else {
            Issue.record("expected a timeout, got \(String(describing: outcome))")
            return
        }
        #expect(step == "Allocate")
        #expect(attempts == 2)
        #expect(elapsed >= .milliseconds(300))
        // Two attempts of 150 ms; the bound only says "gave up instead of hanging" on a loaded 2-core machine.
        #expect(elapsed < .seconds(20))
        #expect(outcome!.description.contains("no reply from the relay at 127.0.0.1:\(port)"))
    }

    @Test func identityRejectsACertificateForAnotherKey() throws {
        let ca = try CertificateAuthority(privateKey: .generate(), tailnetID: "id.example")
        let other = PrivateKey.generate()
        let certificate = try ca.issue(role: .node, subjectKey: other.publicKey, subjectID: "n", subjectName: "n")
        #expect(throws: RelayClientError.self) {
            try RelayIdentity(privateKey: .generate(), certificate: certificate)
        }
    }

    @Test func endpointParsingExplainsBadInput() {
        do {
            _ = try RelayEndpoint(endpoint: "relay.example:40000", publicKey: PrivateKey.generate().publicKey)
            Issue.record("a host name must be refused")
        } catch {
            #expect(error.description.contains("numeric address with a port"))
        }
    }
}
