import Foundation
import PeerRelayTestSupport
import RelayClient
import RelayCore
import Tailnet
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real coordinator process, the real relay-server process following it (`--coordinator`), and RelayClient on
/// loopback: a revocation at the coordinator ends the revoked node's open session within 2 s; with the coordinator
/// down the relay keeps its last list (also across a relay restart) and keeps serving members.
@Suite(.timeLimit(.minutes(3))) struct RevocationEnforcementTests {
    struct Member {
        let key: PrivateKey
        let certificate: TailnetCertificate
        let id: String
        var identity: RelayIdentity { get throws { try RelayIdentity(privateKey: key, certificate: certificate) } }
    }

    static func certificate(_ base64: String) throws -> TailnetCertificate {
        try TailnetCertificate(decoding: Array(try #require(Data(base64Encoded: base64))))
    }

    /// A relay-server process following `coordinator`.
    struct RelayProcess {
        let arguments: [String]
        let udpPort: Int
        let adminPort: Int
        let log: String

        func start() async throws -> ChildProcess {
            let relay = try ChildProcess(
                try BuiltProducts.path("relay-server"), arguments: arguments,
                environment: ChildProcess.cleanEnvironment(), log: log)
            // Ready, and the revocation list (from the coordinator or the state file) in force.
            for _ in 0..<200 {
                if let ready = try? await HTTPGet.get(port: adminPort, path: "/readyz"), ready.status == 200,
                    ready.body.contains("revocations: version")
                {
                    return relay
                }
                guard relay.isRunning else { throw TestSupportError("relay-server exited: \(relay.output)") }
                try await Task.sleep(for: .milliseconds(50))
            }
            relay.stop()
            throw TestSupportError("relay-server never reported a revocation list: \(relay.output)")
        }

        func metric(_ sample: String) async throws -> Double {
            let text = try await HTTPGet.get(port: adminPort, path: "/metrics").body
            for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
                return Double(line.dropFirst(sample.count + 1)) ?? .nan
            }
            return 0
        }
    }

    /// Allocates and binds a session between `first` and `second` and checks it forwards (an end-to-end Ping).
    static func openSession(_ first: RelayClient, _ second: RelayClient) async throws -> (RelaySession, RelaySession) {
        let allocationA = try await first.allocate(peer: second.identity.publicKey)
        let allocationB = try await second.allocate(peer: first.identity.publicKey)
        let a = try await first.bind(allocationA)
        let b = try await second.bind(allocationB)
        #expect(try await a.ping() < .seconds(2))
        return (a, b)
    }

    @Test func revocationAtTheCoordinatorEndsTheOpenSessionAndTheLastListOutlivesTheCoordinator() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dir = directory.path
        let coordinator = try await CoordinatorProcess.initialize(in: dir + "/coordinator")
        var coordinatorChild: ChildProcess? = try await coordinator.start(log: dir + "/coordinator.log")
        defer { coordinatorChild?.stop() }
        let admin = try coordinator.admin()

        // Three members registered with a pre-auth key; a relay published with a relay-publisher token.
        let preAuth = try await admin.createKey(PreAuthKeyRequest(reusable: true, tags: ["tag:test"]))
        var members: [String: Member] = [:]
        for name in ["alice", "bob", "carol"] {
            let key = PrivateKey.generate()
            let response = try await admin.register(
                RegisterRequest(preAuthKey: preAuth.key, publicKey: key.publicKey.base64, name: name))
            members[name] = Member(
                key: key, certificate: try Self.certificate(response.certificate), id: response.node.id)
        }
        let alice = try #require(members["alice"])
        let bob = try #require(members["bob"])
        let carol = try #require(members["carol"])
        let publisher = try await admin.createToken(TokenRequest(kind: "relay-publisher"))
        let udpPort = try freePort(udp: true)
        let relayKey = PrivateKey.generate()
        let published = try await admin.with(token: publisher.token).publishRelay(
            RelayPublishRequest(
                name: "revocation-relay", replica: 0, publicKey: relayKey.publicKey.base64,
                endpoints: ["127.0.0.1:\(udpPort)"], tags: ["tag:relay"]))
        let relayCertificate = try Self.certificate(published.relay.certificate)
        try KeyFile.write(relayKey, to: dir + "/relay.key")
        try KeyFile.write(relayCertificate, to: dir + "/relay.crt")
        let caKey = try #require(try await admin.tailnet().caPublicKeys.first).publicKey

        let adminPort = try freePort(udp: false)
        let relayProcess = RelayProcess(
            arguments: [
                "--listen", "127.0.0.1", "--port", "\(udpPort)", "--sockets", "1", "--admin-address", "127.0.0.1",
                "--admin-port", "\(adminPort)", "--private-key-file", dir + "/relay.key", "--certificate-file",
                dir + "/relay.crt", "--ca-key", caKey, "--coordinator", coordinator.baseURL, "--state-dir",
                dir + "/relay-state", "--revocations-wait", "5",
            ], udpPort: udpPort, adminPort: adminPort, log: dir + "/relay.log")
        var relay = try await relayProcess.start()
        defer { relay.stop() }
        let endpoint = try RelayEndpoint(endpoint: "127.0.0.1:\(udpPort)", publicKey: relayKey.publicKey)
        let clients = try await [alice, bob, carol].asyncMap {
            try await RelayClient.connect(identity: try $0.identity, relay: endpoint)
        }
        defer { for client in clients { Task { await client.close() } } }
        let (aliceSession, bobSession) = try await Self.openSession(clients[0], clients[1])

        // Revoke bob at the coordinator: his open session ends within 2 s, both sides are told why.
        let removal = try await admin.removeNode(id: bob.id)
        let revokedAt = ContinuousClock.now
        #expect(removal.revokedSerials == [bob.certificate.serial])
        var ended: Duration?
        while ContinuousClock.now - revokedAt < .seconds(2) {
            if bobSession.endedBy != nil {
                ended = ContinuousClock.now - revokedAt
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let log = { (try? String(contentsOfFile: dir + "/relay.log", encoding: .utf8)).map { String($0.suffix(3000)) } }
        #expect(ended != nil, "bob's session outlived his revocation by 2 s; relay log: \(log() ?? "")")
        #expect(bobSession.endedBy?.relayErrorCode == .revoked, "\(String(describing: bobSession.endedBy))")
        for _ in 0..<50 where aliceSession.endedBy == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(aliceSession.endedBy?.relayErrorCode == .unknownSession)
        let droppedBefore = try await relayProcess.metric(#"relay_dropped_packets_total{reason="unknown_session"}"#)
        try await aliceSession.send(Array("after the revocation".utf8))
        var droppedAfter = droppedBefore
        for _ in 0..<40 where droppedAfter == droppedBefore {
            try await Task.sleep(for: .milliseconds(50))
            droppedAfter = try await relayProcess.metric(#"relay_dropped_packets_total{reason="unknown_session"}"#)
        }
        #expect(droppedAfter == droppedBefore + 1, "data on the ended session was not dropped as unknown_session")
        #expect(try await relayProcess.metric(#"relay_sessions_ended_total{reason="revoked"}"#) == 1)
        do {
            _ = try await clients[1].allocate(peer: alice.key.publicKey)
            Issue.record("the relay accepted bob's revoked certificate")
        } catch {
            #expect(error.relayErrorCode == .revoked, "\(error)")
        }

        // The coordinator goes down: the relay keeps its list and keeps serving members.
        coordinatorChild?.signal(SIGKILL)
        _ = await coordinatorChild?.wait()
        coordinatorChild = nil
        var readiness = try await HTTPGet.get(port: adminPort, path: "/readyz")
        for _ in 0..<100 where !readiness.body.contains("coordinator unreachable") {
            try await Task.sleep(for: .milliseconds(100))
            readiness = try await HTTPGet.get(port: adminPort, path: "/readyz")
        }
        #expect(readiness.status == 200)
        #expect(readiness.body.contains("coordinator unreachable"), "\(readiness.body)")
        #expect(try await relayProcess.metric("relay_revocations_age_seconds") >= 0)
        _ = try await Self.openSession(clients[0], clients[2])

        // A relay restarted while the coordinator is down starts from its state directory: bob stays refused.
        relay.stop()
        relay = try await relayProcess.start()
        do {
            _ = try await clients[1].allocate(peer: carol.key.publicKey)
            Issue.record("a restarted relay accepted bob's revoked certificate")
        } catch {
            #expect(error.relayErrorCode == .revoked, "\(error)")
        }
        _ = try await Self.openSession(clients[2], clients[0])
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
