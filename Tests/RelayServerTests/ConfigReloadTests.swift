import Logging
import PeerRelayTestSupport
import RelayCore
import Telemetry
import Testing

@testable import RelayServer

@Suite struct ConfigReloadTests {
    static func configJSON(tailnet: TestTailnet, advertise: [String], extra: String = "") -> String {
        let endpoints = advertise.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {
              "advertisedEndpoints": [\(endpoints)],
              "caKeys": ["\(tailnet.caPublicKey.base64)"],
              "reloadIntervalMilliseconds": 100\(extra)
            }
            """
    }

    /// A config file advertising 192.0.2.1:40000 with the tailnet's CA key, and flags that leave the CA keys to it.
    static func configuredByFile(_ tailnet: TestTailnet) throws -> (path: String, flags: RelaySettings) {
        let path = try tailnet.write(
            Self.configJSON(tailnet: tailnet, advertise: ["192.0.2.1:40000"]), named: "relay.json")
        var flags = TestRelay.settings(tailnet)
        flags.caKeys = nil
        return (path, flags)
    }

    /// Polls /debug/config until it contains `text` (bounded).
    static func waitForConfig(_ text: String, relay: TestRelay) async throws -> Bool {
        for _ in 0..<50 {
            let config = try await HTTPGet.get(port: relay.adminPort, path: "/debug/config")
            if config.body.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func reloadChangesAdvertisedEndpointsWithoutDroppingSessions() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let (path, flags) = try Self.configuredByFile(tailnet)
        try await TestRelay.with(tailnet, settings: flags, configFile: path) { relay in
            let clients = try await relay.clients("alice", "bob")
            let (a, b) = (clients[0], clients[1])
            defer {
                Task {
                    await a.close(); await b.close()
                }
            }
            let first = try await a.allocateOK(peer: b.publicKey)
            #expect(first.endpoints.map(\.description) == ["192.0.2.1:40000"])
            let vni = try await ForwardingTests.establish(a, b)
            #expect(try await ForwardingTests.deliver([1], vni: vni, from: a, to: b) != nil)

            _ = try tailnet.write(
                Self.configJSON(tailnet: tailnet, advertise: ["[2001:db8::7]:40001", "192.0.2.2:40002"]),
                named: "relay.json")
            #expect(try await Self.waitForConfig("192.0.2.2:40002", relay: relay))
            let again = try await a.allocate(peer: b.publicKey, padding: 100)
            guard case .allocated(let second) = again else {
                Issue.record("no AllocateResponse after reload: \(String(describing: again))")
                return
            }
            #expect(second.vni == vni, "the session survived the reload")
            #expect(second.endpoints.map(\.description) == ["[2001:db8::7]:40001", "192.0.2.2:40002"])
            let payload = Array("still flowing".utf8)
            #expect(
                try await ForwardingTests.deliver(payload, vni: vni, from: b, to: a)
                    == TestClient.dataDatagram(vni: vni, payload: payload))
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_config_reloads_total", #"result="ok""#) >= 1)
            #expect(metrics.value("relay_sessions", #"state="open""#) == 1)
        }
    }

    @Test func invalidReloadKeepsTheRunningConfigAndFailsReadiness() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let (path, flags) = try Self.configuredByFile(tailnet)
        try await TestRelay.with(tailnet, settings: flags, configFile: path) { relay in
            #expect(try await HTTPGet.get(port: relay.adminPort, path: "/readyz").status == 200)
            _ = try tailnet.write(
                Self.configJSON(tailnet: tailnet, advertise: ["not an endpoint"]), named: "relay.json")
            var readiness = HTTPGet.Response(status: 0, headers: [:], body: "")
            for _ in 0..<50 {
                readiness = try await HTTPGet.get(port: relay.adminPort, path: "/readyz")
                if readiness.status == 503 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(readiness.status == 503)
            #expect(readiness.body.contains("not an endpoint"))
            #expect(relay.server.engine.advertisedEndpoints.map(\.description) == ["192.0.2.1:40000"])
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_config_reloads_total", #"result="error""#) >= 1)
            // Fixing the file makes the relay ready again.
            _ = try tailnet.write(
                Self.configJSON(tailnet: tailnet, advertise: ["192.0.2.9:40000"]), named: "relay.json")
            #expect(try await Self.waitForConfig("192.0.2.9:40000", relay: relay))
            #expect(try await HTTPGet.get(port: relay.adminPort, path: "/readyz").status == 200)
        }
    }

    @Test func reloadChangesTrustedCAsAndRevocations() async throws {
        let tailnet = try TestTailnet()
        let rotated = try TestTailnet(id: tailnet.id)  // the same tailnet's next CA
        defer {
            tailnet.remove()
            rotated.remove()
        }
        func write(caKeys: [String], revoked: [UInt64]) throws {
            let keys = caKeys.map { "\"\($0)\"" }.joined(separator: ", ")
            _ = try tailnet.write(
                """
                {"caKeys": [\(keys)], "revokedSerials": [\(revoked.map(String.init).joined(separator: ", "))],
                 "reloadIntervalMilliseconds": 100}
                """, named: "relay.json")
        }
        try write(caKeys: [tailnet.caPublicKey.base64], revoked: [])
        var flags = TestRelay.settings(tailnet)
        flags.caKeys = nil
        try await TestRelay.with(tailnet, settings: flags, configFile: tailnet.directory + "/relay.json") { relay in
            let old = try await TestClient(
                node: tailnet.node("old-ca"), relay: relay.address, relayPublicKey: relay.relayPublicKey)
            let new = try await TestClient(
                node: rotated.node("new-ca"), relay: relay.address, relayPublicKey: relay.relayPublicKey)
            defer {
                Task {
                    await old.close(); await new.close()
                }
            }
            guard case .error(let before) = try await new.allocate(peer: old.publicKey) else {
                Issue.record("a certificate of an untrusted CA was accepted")
                return
            }
            #expect(before.code == .unknownCA)
            let vni = try await old.allocateOK(peer: new.publicKey).vni

            try write(
                caKeys: [tailnet.caPublicKey.base64, rotated.caPublicKey.base64],
                revoked: [old.node.certificate.serial])
            #expect(try await Self.waitForConfig("\(rotated.caPublicKey.keyID)", relay: relay))
            // Trusted after the reload; the half-open session of the revoked side ended with the reload.
            #expect(try await new.allocateOK(peer: old.publicKey).vni != vni, "trusted after the reload")
            guard case .error(let revoked) = try await old.allocate(peer: new.publicKey, generation: 9) else {
                Issue.record("a revoked certificate was accepted")
                return
            }
            #expect(revoked.code == .revoked)
        }
    }

    @Test func reloadFollowsTheCertificateAndCAKeyFilesTheConfigNames() async throws {
        let tailnet = try TestTailnet()
        let second = try TestTailnet(id: tailnet.id)
        let third = try TestTailnet(id: tailnet.id)
        defer {
            tailnet.remove()
            second.remove()
            third.remove()
        }
        let caFile = tailnet.directory + "/extra-ca.pub"
        try KeyFile.write(second.caPublicKey, to: caFile)
        let path = try tailnet.write(
            """
            {"caKeys": ["\(tailnet.caPublicKey.base64)"], "caKeyFiles": ["\(caFile)"],
             "reloadIntervalMilliseconds": 100}
            """, named: "relay.json")
        var flags = TestRelay.settings(tailnet)
        flags.caKeys = nil
        try await TestRelay.with(tailnet, settings: flags, configFile: path) { relay in
            #expect(try await Self.waitForConfig("\(second.caPublicKey.keyID)", relay: relay))
            // The config file's bytes stay the same; only the files it names change.
            try KeyFile.write(third.caPublicKey, to: caFile)
            #expect(try await Self.waitForConfig("\(third.caPublicKey.keyID)", relay: relay))
            let renewed = try tailnet.authority.issue(
                role: .relay, subjectKey: tailnet.relayKey.publicKey, subjectID: "relay-1", subjectName: "relay-renewed"
            )
            try KeyFile.write(renewed, to: tailnet.certificateFile)
            #expect(try await Self.waitForConfig("relay-renewed", relay: relay))
            #expect(relay.server.engine.configSnapshot().certificateSerial == renewed.serial)
            #expect(try await HTTPGet.get(port: relay.adminPort, path: "/readyz").status == 200)
            let metrics = try await relay.scrape()
            #expect(metrics.value("relay_config_reloads_total", #"result="ok""#) >= 2)
        }
    }
}

extension ConfigReloadTests {
    /// A relay that kept serving on its old key after the key file changed would look alive while dropping every
    /// Allocate sealed to the new one (what clients learn from the coordinator); it stops instead, with an error that
    /// says why, so that its supervisor starts it on the new key.
    @Test func aNewRelayKeyStopsTheRelayWithAnErrorSayingWhy() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let (path, flags) = try Self.configuredByFile(tailnet)
        let file = try RelaySettings(configFile: path)
        let configuration = try RelayServerConfiguration(
            flags: flags, environment: RelaySettings(), file: file, coreCount: 2)
        let server = try await RelayServer.start(
            configuration: configuration,
            options: .init(
                metrics: TelemetryMetrics(), logger: Logger(label: "relay-test") { _ in SwiftLogNoOpLogHandler() },
                configFile: .init(path: path, flags: flags, environment: RelaySettings(), coreCount: 2)))
        enum Outcome: Sendable {
            case stopped((any Error)?)
            case stillRunning
        }
        let running = Task { () -> Outcome in
            do {
                try await server.run()
                return .stopped(nil)
            } catch {
                return .stopped(error)
            }
        }
        // The new key and its certificate land together, as a Kubernetes Secret update does.
        let newKey = PrivateKey.generate()
        let certificate = try tailnet.authority.issue(
            role: .relay, subjectKey: newKey.publicKey, subjectID: "relay-1", subjectName: "relay-one")
        try KeyFile.write(newKey, to: tailnet.keyFile)
        try KeyFile.write(certificate, to: tailnet.certificateFile)
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { await running.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return .stillRunning
            }
            let first = await group.next() ?? .stillRunning
            group.cancelAll()
            return first
        }
        guard case .stopped(let stopError) = outcome, let error = stopError as? RelayConfigurationError else {
            await server.shutdown()
            _ = await running.value
            Issue.record("the relay did not stop with privateKeyChanged after its key file changed: \(outcome)")
            return
        }
        #expect(error == .privateKeyChanged)
        #expect(error.description.contains("started again"))
    }
}
