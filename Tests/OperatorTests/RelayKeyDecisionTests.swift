import Kube
import RelayCore
import Testing

@testable import Operator

/// Where a pass gets its relays' keys (``RelayKeyDecision``): a key is generated only for a replica the API
/// server shows without one, never on the cache's word alone.
@Suite struct RelayKeyDecisionTests {
    static let names = Fixtures.names

    static func secret(keys: [Int: String], version: String? = "7") -> Secret {
        var secret = RelayFiles.secret(
            Fixtures.owner, credentials: keys.mapValues { .init(privateKey: $0, certificatePEM: nil) })
        secret.metadata.resourceVersion = version
        return secret
    }

    /// Keys 0x01…01, 0x02…02, … and how many were made.
    final class Keys {
        var made = 0
        func next() -> PrivateKey {
            made += 1
            return try! PrivateKey(bytes: [UInt8](repeating: UInt8(made), count: 32))
        }
    }

    static func key(_ byte: UInt8) -> String { try! PrivateKey(bytes: [UInt8](repeating: byte, count: 32)).base64 }

    @Test func aCompleteCachedSecretIsUsedWithoutAskingTheServer() {
        let cached = Self.secret(keys: [0: Self.key(9), 1: Self.key(10), 2: Self.key(11)])
        #expect(
            RelayKeyDecision.fromCache(cached, names: Self.names, replicas: 2)
                == .use(
                    [
                        0: .init(privateKey: Self.key(9), certificatePEM: nil),
                        1: .init(privateKey: Self.key(10), certificatePEM: nil),
                    ], secretVersion: "7"))
    }

    @Test func aCacheMissOrAMissingReplicaKeyAsksTheServer() {
        #expect(RelayKeyDecision.fromCache(nil, names: Self.names, replicas: 1) == .readServer)
        let partial = Self.secret(keys: [0: Self.key(9)])
        #expect(RelayKeyDecision.fromCache(partial, names: Self.names, replicas: 2) == .readServer)
    }

    @Test func noReplicasNeedNoKeys() {
        #expect(RelayKeyDecision.fromCache(nil, names: Self.names, replicas: 0) == .use([:], secretVersion: nil))
    }

    @Test func theServersKeysAreUsedAndNoneGenerated() {
        let keys = Keys()
        let server = Self.secret(keys: [0: Self.key(9), 1: Self.key(10)], version: "12")
        let decision = RelayKeyDecision.fromServer(server, names: Self.names, replicas: 2, newKey: keys.next)
        #expect(
            decision
                == .use(
                    [
                        0: .init(privateKey: Self.key(9), certificatePEM: nil),
                        1: .init(privateKey: Self.key(10), certificatePEM: nil),
                    ], secretVersion: "12"))
        #expect(keys.made == 0)
    }

    @Test func aSecretTheServerDoesNotHaveIsCreatedBeforeAnyKeyIsMade() {
        let keys = Keys()
        #expect(RelayKeyDecision.fromServer(nil, names: Self.names, replicas: 2, newKey: keys.next) == .createSecret)
        #expect(keys.made == 0)
    }

    @Test func onlyTheKeysTheServerLacksAreGeneratedAndAddedAtTheVersionRead() {
        let keys = Keys()
        let server = Self.secret(keys: [1: Self.key(10), 5: Self.key(11)], version: "12")
        let decision = RelayKeyDecision.fromServer(server, names: Self.names, replicas: 3, newKey: keys.next)
        #expect(
            decision
                == .addKeys(
                    [
                        0: .init(privateKey: Self.key(1), certificatePEM: nil),
                        1: .init(privateKey: Self.key(10), certificatePEM: nil),
                        2: .init(privateKey: Self.key(2), certificatePEM: nil),
                    ], generated: [0, 2], secretVersion: "12"))
        #expect(keys.made == 2)
    }

    @Test func certificatesComeAlongWithTheirKeys() {
        var server = Self.secret(keys: [0: Self.key(9)])
        server.data?["edge-0.pem"] = RelayFiles.base64("PEM")
        let decision = RelayKeyDecision.fromServer(
            server, names: Self.names, replicas: 1, newKey: { PrivateKey.generate() })
        #expect(decision == .use([0: .init(privateKey: Self.key(9), certificatePEM: "PEM")], secretVersion: "7"))
    }
}
