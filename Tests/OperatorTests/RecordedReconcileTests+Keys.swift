import Kube
import Testing

@testable import Operator

/// A relay's key is its identity: the passes below never replace one, whether the cache lags behind the
/// operator's own Secret write or another writer gets there first (recorded like the other scenarios).
extension RecordedReconcileTests {
    static let secretPath = "/api/v1/namespaces/recorded/secrets/edge-relay"
    static let names = RelayNames(name: "edge", namespace: Scenario.namespace)

    /// The private keys in the key Secret on the server, by replica.
    static func serverKeys(_ scenario: Scenario) async throws -> [Int: String] {
        let secret = try await scenario.client.get(Secret.self, name: names.secret, namespace: Scenario.namespace)
        return RelayFiles.credentials(fromSecretData: secret.data ?? [:], names: names).mapValues(\.privateKey)
    }

    /// The key Secret's exchanges since `mark`, as "METHOD [apply ]path status".
    static func secretExchanges(_ scenario: Scenario, since mark: Int) -> [String] {
        scenario.exchanges(since: mark).filter { $0.path.hasPrefix("/api/v1/namespaces/recorded/secrets") }.map {
            "\($0.method) \($0.contentType == "application/apply-patch+yaml" ? "apply " : "")\($0.path) \($0.status)"
        }
    }

    /// The resourceVersion a Secret apply since `mark` was made conditional on, if any.
    static func appliedIfStillAt(_ scenario: Scenario, since mark: Int) -> String? {
        scenario.exchanges(since: mark).first { $0.method == "PATCH" && $0.path == secretPath }?
            .request?["metadata"]?["resourceVersion"]?.stringValue
    }

    @Test func aCacheLaggingBehindTheKeySecretNeverReplacesAKey() async throws {
        try await Scenario.run("stale-cache-keeps-keys") { scenario in
            let key1 = try #require(FixedKeys.base64(1))
            let key2 = try #require(FixedKeys.base64(2))
            _ = try await scenario.client.create(Self.relay(replicas: 1))
            try await scenario.sync()
            var mark = scenario.mark
            _ = try await scenario.reconcile()
            // Neither the cache nor the server has the Secret (404): created, then a key added.
            #expect(
                Self.secretExchanges(scenario, since: mark) == [
                    "GET \(Self.secretPath) 404", "POST /api/v1/namespaces/recorded/secrets 201",
                    "PATCH apply \(Self.secretPath) 200",
                ])
            #expect(scenario.keys.count == 1)
            #expect(try await Self.serverKeys(scenario) == [0: key1])

            // The cache has not seen that write (no sync): the server's Secret is read and its key used.
            mark = scenario.mark
            _ = try await scenario.reconcile()
            #expect(Self.secretExchanges(scenario, since: mark) == ["GET \(Self.secretPath) 200"])
            #expect(scenario.keys.count == 1)
            #expect(try await Self.serverKeys(scenario) == [0: key1])

            // Scaled to 2, the cache showing replica 0's key only: the server lacks replica 1's too, so it is
            // generated and added only while the Secret is still as read.
            try await scenario.sync()
            _ = try await scenario.client.patch(
                PeerRelay.self, name: "edge", namespace: Scenario.namespace, patch: .merge(["spec": ["replicas": 2]]))
            mark = scenario.mark
            _ = try await scenario.reconcile()
            #expect(
                Self.secretExchanges(scenario, since: mark) == [
                    "GET \(Self.secretPath) 200", "PATCH apply \(Self.secretPath) 200",
                ])
            let read = scenario.exchanges(since: mark).first { $0.method == "GET" && $0.path == Self.secretPath }
            #expect(Self.appliedIfStillAt(scenario, since: mark) != nil)
            #expect(
                Self.appliedIfStillAt(scenario, since: mark)
                    == read?.response["metadata"]?["resourceVersion"]?.stringValue)
            #expect(scenario.keys.count == 2)
            #expect(try await Self.serverKeys(scenario) == [0: key1, 1: key2])

            // The cache still lags (replica 0's key only): replica 1's key is read from the server, not replaced.
            mark = scenario.mark
            _ = try await scenario.reconcile()
            #expect(Self.secretExchanges(scenario, since: mark) == ["GET \(Self.secretPath) 200"])
            #expect(scenario.keys.count == 2)
            #expect(try await Self.serverKeys(scenario) == [0: key1, 1: key2])
        }
    }

    @Test func aKeyAnotherWriterWroteFirstIsReadAndUsedNeverOverwritten() async throws {
        try await Scenario.run("concurrent-key-writer") { scenario in
            let theirs0 = try #require(FixedKeys.base64(0x2A))
            let theirs1 = try #require(FixedKeys.base64(0x2B))
            let relay = try await scenario.client.create(Self.relay(replicas: 1))
            let owner = OwnerInfo(names: Self.names, uid: relay.metadata.uid ?? "")
            try await scenario.sync()

            // Between the reconciler's read (404) and its create, another operator creates the Secret with its key.
            scenario.interfere(after: "GET \(Self.secretPath)") { other in
                _ = try await other.create(
                    RelayFiles.secret(owner, credentials: [0: .init(privateKey: theirs0, certificatePEM: nil)]))
            }
            var mark = scenario.mark
            _ = try await scenario.reconcile()
            #expect(
                Self.secretExchanges(scenario, since: mark) == [
                    "GET \(Self.secretPath) 404",
                    "POST /api/v1/namespaces/recorded/secrets 201",  // the other writer's
                    "POST /api/v1/namespaces/recorded/secrets 409",  // AlreadyExists: read again
                    "GET \(Self.secretPath) 200",
                    "PATCH apply \(Self.secretPath) 200",  // its key, with the labels this pass applies
                ])
            #expect(scenario.keys.count == 0)
            #expect(try await Self.serverKeys(scenario) == [0: theirs0])

            // Scaled to 2: between the reconciler's read and its conditional apply, the other writer adds
            // replica 1's key. The apply is refused (409 Conflict), the Secret read again and that key used.
            try await scenario.sync()
            _ = try await scenario.client.patch(
                PeerRelay.self, name: "edge", namespace: Scenario.namespace, patch: .merge(["spec": ["replicas": 2]]))
            scenario.interfere(after: "GET \(Self.secretPath)") { other in
                _ = try await other.patch(
                    Secret.self, name: Self.names.secret, namespace: Scenario.namespace,
                    patch: .merge(["data": ["edge-1.key": .string(RelayFiles.base64(theirs1 + "\n"))]]))
            }
            mark = scenario.mark
            _ = try await scenario.reconcile()
            #expect(
                Self.secretExchanges(scenario, since: mark) == [
                    "GET \(Self.secretPath) 200",
                    "PATCH \(Self.secretPath) 200",  // the other writer's
                    "PATCH apply \(Self.secretPath) 409",  // Conflict: read again
                    "GET \(Self.secretPath) 200",
                    "PATCH apply \(Self.secretPath) 200",  // both keys as read, with the labels this pass applies
                ])
            #expect(try await Self.serverKeys(scenario) == [0: theirs0, 1: theirs1])
        }
    }
}
