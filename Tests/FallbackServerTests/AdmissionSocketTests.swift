import Fallback
import FallbackClient
import FallbackServer
import PeerRelayTestSupport
import RelayClient
import RelayCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct AdmissionSocketTests {
    func refusal(_ body: () async throws -> Void) async -> CloseNotice? {
        do {
            try await body()
            Issue.record("connection was admitted")
        } catch let FallbackClientError.refused(notice) {
            return notice
        } catch {
            Issue.record("expected a refusal, got \(error)")
        }
        return nil
    }

    @Test func foreignExpiredAndRevokedCertificatesAreRefusedWithTheirReason() async throws {
        let testbed = Testbed()
        let revoked = testbed.identity("revoked")
        try await withFallbackServer(testbed) { server, port in
            server.updateTrust(testbed.verifier(revoking: [revoked.certificate.serial]))
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let foreignCA = try CertificateAuthority(privateKey: .generate(), tailnetID: Testbed.tailnetID)
            let foreign = testbed.identity("foreign", by: foreignCA)
            let expired = testbed.identity("expired", validFor: .seconds(3600), validFrom: .seconds(-7200))
            let cases: [(RelayIdentity, CloseReason)] = [
                (foreign, .unknownCA), (expired, .expired), (revoked, .revoked),
            ]
            for (identity, reason) in cases {
                let notice = await refusal {
                    _ = try await FallbackConnection.connect(to: endpoint, identity: identity)
                }
                #expect(notice?.reason == reason, "\(identity.certificate.subjectName)")
                #expect(notice?.message.isEmpty == false)
                #expect(metric(server, #"fallback_admissions_total{result="\#(reason.metricLabel)"}"#) == 1)
            }
            #expect(server.clientCount == 0)
        }
    }

    @Test func aCertificateRevokedWhileConnectedDisconnectsOnlyThatNode() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let alice = testbed.identity("alice")
            let bob = testbed.identity("bob")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob)
            #expect(server.updateTrust(testbed.verifier(revoking: [alice.certificate.serial])) == 1)
            let ended = await firstMatch(a.events) { event -> FallbackClientError? in
                if case .disconnected(let error) = event { return error }
                return nil
            }
            guard case .closedByServer(let notice)? = ended else {
                Issue.record("expected a Close from the server, got \(String(describing: ended))")
                return
            }
            #expect(notice.reason == .revoked)
            #expect(ended?.isRetryable == false)
            #expect(b.isActive)
            #expect(server.debugListing().nodes.map(\.name) == ["bob"])
            #expect(metric(server, #"fallback_disconnects_total{reason="revoked"}"#) == 1)
            await b.close()
        }
    }

    /// `relayctl fallback probe` (FallbackProbe) running while its first node is revoked ends with the reason,
    /// whether the Close arrives before or during a send.
    @Test func aProbeWhoseNodeIsRevokedMidRunReportsTheRevocation() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let alice = testbed.identity("alice")
            let lines = Locked(0)
            let probe = Task {
                await FallbackProbe(
                    endpoint: endpoint, sides: [alice, testbed.identity("bob")], count: 100_000,
                    timeout: .seconds(2)
                ).run { _ in lines.withLock { $0 += 1 } }
            }
            for _ in 0..<500 where lines.withLock({ $0 }) < 50 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(server.updateTrust(testbed.verifier(revoking: [alice.certificate.serial])) == 1)
            let report = await probe.value
            #expect(report.failure?.contains("(revoked)") == true, "\(String(describing: report.failure))")
            #expect(report.sent < 100_000)
            #expect(!report.rttMilliseconds.isEmpty)
        }
    }

    @Test func aRecordedHelloCannotBeReplayedOnAnotherConnection() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { server, port in
            let alice = testbed.identity("alice")
            let notice = try await offload {
                let first = try RawFallbackSocket(port: port)
                let recorded = first.sealedHello(alice, try first.serverHello())
                let second = try RawFallbackSocket(port: port)
                _ = try second.serverHello()
                try second.sendAll(Frame.clientHello(recorded).encoded())
                return try second.closeNotice()
            }
            #expect(notice?.reason == .authenticationFailed)
            #expect(notice?.message.contains("replay") == true)
            #expect(server.clientCount == 0)
        }
    }

    @Test func aSecondConnectionOfOneKeyReplacesTheFirst() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let alice = testbed.identity("alice")
            let bob = testbed.identity("bob")
            let first = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let second = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let ended = await firstMatch(first.events) { event -> FallbackClientError? in
                if case .disconnected(let error) = event { return error }
                return nil
            }
            guard case .closedByServer(let notice)? = ended else {
                Issue.record("the first connection was not closed by the server: \(String(describing: ended))")
                return
            }
            #expect(notice.reason == .replaced)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob)
            try b.send(to: alice.publicKey, payload: [42])
            let received = await collectPackets(second.events, count: 1)
            #expect(received.first?.payload == [42])
            #expect(server.clientCount == 2)
            await second.close()
            await b.close()
        }
    }
}
