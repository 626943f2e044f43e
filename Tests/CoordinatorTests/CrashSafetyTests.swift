import Foundation
import PeerRelayTestSupport
import RelayCore
import Synchronization
import Tailnet
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kill -9 of the real coordinator process in the middle of 100 parallel registrations: every registration that
/// got a 2xx is there after the restart, no single-use pre-auth key is used twice, the netmap version only grows.
@Suite(.timeLimit(.minutes(3))) struct CrashSafetyTests {
    struct Attempt: Sendable {
        let key: PrivateKey
        let preAuthKey: String
        let singleUse: Bool
    }

    /// What the attempts saw.
    final class Outcomes: Sendable {
        let state = Mutex<
            (registered: [(id: String, publicKey: String, key: String)], versions: [Int64], failed: Int, killed: Bool)
        >(([], [], 0, false))
    }

    @Test func killMinus9DuringParallelRegistrationsLosesNothingAcknowledged() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let coordinator = try await CoordinatorProcess.initialize(in: directory.path + "/coordinator")
        var child: ChildProcess? = try await coordinator.start(log: directory.path + "/coordinator-1.log")
        defer { child?.stop() }
        let admin = try coordinator.admin()

        // 40 single-use keys, each raced by two registrations; 20 registrations with one reusable key.
        var attempts: [Attempt] = []
        for _ in 0..<40 {
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: false, tags: ["tag:crash"]))
            let secret = try #require(key.key)
            attempts.append(Attempt(key: .generate(), preAuthKey: secret, singleUse: true))
            attempts.append(Attempt(key: .generate(), preAuthKey: secret, singleUse: true))
        }
        let reusable = try #require(try await admin.createKey(PreAuthKeyRequest(reusable: true)).key)
        for _ in 0..<20 { attempts.append(Attempt(key: .generate(), preAuthKey: reusable, singleUse: false)) }
        attempts.shuffle()
        let versionBefore = try await admin.tailnet().netmapVersion

        let outcomes = Outcomes()
        let registrar = try CoordinatorClient(baseURL: coordinator.baseURL)
        let pid = try #require(child).pid
        await withTaskGroup(of: Void.self) { group in
            for (index, attempt) in attempts.enumerated() {
                group.addTask {
                    do {
                        let response = try await registrar.register(
                            RegisterRequest(
                                preAuthKey: attempt.preAuthKey, publicKey: attempt.key.publicKey.base64,
                                name: "crash-\(index)"))
                        let killNow = outcomes.state.withLock { state in
                            state.registered.append((response.node.id, response.node.publicKey, attempt.preAuthKey))
                            state.versions.append(response.tailnet.netmapVersion)
                            // In the middle: at the 15th acknowledged registration, while the others are in flight.
                            guard state.registered.count >= 15, !state.killed else { return false }
                            state.killed = true
                            return true
                        }
                        if killNow { kill(pid, SIGKILL) }
                    } catch {
                        outcomes.state.withLock { $0.failed += 1 }
                    }
                }
            }
        }
        _ = await child?.wait()
        #expect(
            outcomes.state.withLock { $0.killed },
            "the coordinator was never killed (fewer than 15 registrations succeeded)")
        let (registered, versions, failed) = outcomes.state.withLock { ($0.registered, $0.versions, $0.failed) }
        #expect(registered.count + failed == attempts.count)
        #expect(failed > 0, "every registration finished before the kill; the crash hit nothing in flight")

        child = try await coordinator.start(log: directory.path + "/coordinator-2.log")
        let nodes = try await admin.listNodes()
        let stored = Dictionary(nodes.map { ($0.id, $0.publicKey) }, uniquingKeysWith: { first, _ in first })
        for node in registered {
            #expect(stored[node.id] == node.publicKey, "acknowledged registration \(node.id) is gone after the restart")
        }
        // No single-use key admitted two nodes, before or after the crash.
        let singleUse = Set(attempts.filter(\.singleUse).map(\.preAuthKey))
        var acknowledgedPerKey: [String: Int] = [:]
        for node in registered where singleUse.contains(node.key) { acknowledgedPerKey[node.key, default: 0] += 1 }
        #expect(acknowledgedPerKey.values.allSatisfy { $0 <= 1 })
        let keys = try await admin.listKeys()
        for key in keys where !key.reusable {
            #expect(key.useCount <= 1, "single-use key \(key.id) used \(key.useCount) times")
        }
        let byPublicKey = Set(nodes.map(\.publicKey))
        var nodesPerKey: [String: Int] = [:]
        for attempt in attempts where attempt.singleUse && byPublicKey.contains(attempt.key.publicKey.base64) {
            nodesPerKey[attempt.preAuthKey, default: 0] += 1
        }
        #expect(nodesPerKey.values.allSatisfy { $0 <= 1 }, "a single-use key registered two nodes")
        #expect(
            nodes.count == keys.reduce(0) { $0 + $1.useCount },
            "every stored node counts one use of its key (no use without a node, no node without a use)")
        // Used keys stay used after the restart.
        if let used = acknowledgedPerKey.keys.first {
            await expectAPIError(403) {
                try await admin.register(
                    RegisterRequest(preAuthKey: used, publicKey: PrivateKey.generate().publicKey.base64, name: "again"))
            }
        }
        // The netmap version never went back.
        let versionAfter = try await admin.tailnet().netmapVersion
        #expect(versionAfter >= (versions.max() ?? versionBefore), "netmap version went back across the crash")
        #expect(versionAfter >= versionBefore + Int64(nodes.count))
        let registration = try await CoordinatorClient(baseURL: coordinator.baseURL).register(
            RegisterRequest(preAuthKey: reusable, publicKey: PrivateKey.generate().publicKey.base64, name: "after"))
        #expect(registration.tailnet.netmapVersion > versionAfter)
    }
}
