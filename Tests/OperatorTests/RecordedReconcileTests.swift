import CurlHTTP
import Kube
import Logging
import RelayCore
import Synchronization
import Testing

@testable import Operator

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reconcile passes (requeue outcomes, skipped writes, hold-back, scale-down, finalizer) against
/// ``RecordedAPIServer``, the test double replaying real kube-apiserver exchanges. The coordinator is a real
/// loopback port nobody listens on (unreachable) or is not reached (no publisher Secret); a reachable
/// coordinator is exercised in tests/operator-e2e.
///
/// To re-record after a change of what reconciles send (the replay then reports the first request that
/// differs): `hack/cluster up`, `eval "$(hack/cluster env)"`, `kubectl apply -f manifests/01-crd.yaml`, then
/// `PEERRELAY_RECORD=1 swift test --filter RecordedReconcileTests` rewrites Tests/OperatorTests/Recordings/.
@Suite(.serialized) struct RecordedReconcileTests {
    static let unreachable = "http://127.0.0.1:9"

    static func relay(replicas: Int = 2) -> PeerRelay {
        var spec = Fixtures.spec(replicas: replicas)
        spec.tailnet.coordinatorURL = unreachable
        return PeerRelay(metadata: ObjectMeta(name: "edge", namespace: Scenario.namespace), spec: spec)
    }

    static func publisherSecret() -> Secret {
        var secret = Secret(metadata: ObjectMeta(name: "tailnet-publisher", namespace: Scenario.namespace))
        secret.data = ["token": Data("prpub_recorded".utf8).base64EncodedString()]
        return secret
    }

    @Test func firstPassWithoutPublisherSecretHoldsBackThePodsAndSkipsUnchangedWrites() async throws {
        try await Scenario.run("first-pass-without-publisher-secret") { scenario in
            _ = try await scenario.client.create(Self.relay())
            try await scenario.sync()
            var mark = scenario.mark
            #expect(try await scenario.reconcile() == .requeueAfter(.seconds(60)))
            #expect(
                scenario.requests(since: mark) == [
                    "GET /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge",
                    "PATCH merge /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge",
                    "PATCH apply /api/v1/namespaces/recorded/services/edge-0",
                    "PATCH apply /api/v1/namespaces/recorded/services/edge-1",
                    "PATCH apply /api/v1/namespaces/recorded/secrets/edge-relay",
                    "PATCH apply /api/v1/namespaces/recorded/configmaps/edge-config",
                    "PATCH apply /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge/status",
                ])
            let relay = try await scenario.client.get(PeerRelay.self, name: "edge", namespace: Scenario.namespace)
            #expect(relay.metadata.finalizers == [PeerRelay.finalizer])
            #expect(relay.status?.condition(StatusComputation.published)?.reason == "SecretNotFound")
            #expect(relay.status?.condition(StatusComputation.ready)?.status == "False")

            // Nothing changed: the children and the status are not written again.
            try await scenario.sync()
            mark = scenario.mark
            #expect(try await scenario.reconcile() == .requeueAfter(.seconds(60)))
            #expect(
                scenario.requests(since: mark) == [
                    "GET /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge"
                ])
        }
    }

    @Test func unreachableCoordinatorRetriesAndThePodsStartAfterSixtySeconds() async throws {
        try await Scenario.run("unreachable-coordinator") { scenario in
            _ = try await scenario.client.create(Self.publisherSecret())
            _ = try await scenario.client.create(Self.relay())
            try await scenario.sync()
            var mark = scenario.mark
            #expect(try await scenario.reconcile() == .requeue)
            #expect(!scenario.requests(since: mark).contains { $0.contains("statefulsets") })
            let relay = try await scenario.client.get(PeerRelay.self, name: "edge", namespace: Scenario.namespace)
            #expect(relay.status?.condition(StatusComputation.published)?.reason == "CoordinatorUnreachable")

            scenario.advance(by: .seconds(61))
            try await scenario.sync()
            mark = scenario.mark
            #expect(try await scenario.reconcile() == .requeue)
            #expect(
                scenario.requests(since: mark) == [
                    "GET /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge",
                    "PATCH apply /apis/apps/v1/namespaces/recorded/statefulsets/edge",
                ])
            let set = try await scenario.client.get(StatefulSet.self, name: "edge", namespace: Scenario.namespace)
            #expect(set.spec?.replicas == 2)
        }
    }

    @Test func scalingDownDeletesTheServicesOfReplicasScaledAway() async throws {
        try await Scenario.run("scale-down") { scenario in
            _ = try await scenario.client.create(Self.relay())
            try await scenario.sync()
            _ = try await scenario.reconcile()
            _ = try await scenario.client.patch(
                PeerRelay.self, name: "edge", namespace: Scenario.namespace, patch: .merge(["spec": ["replicas": 1]]))
            try await scenario.sync()
            let mark = scenario.mark
            #expect(try await scenario.reconcile() == .requeueAfter(.seconds(60)))
            let requests = scenario.requests(since: mark)
            #expect(requests.contains("DELETE /api/v1/namespaces/recorded/services/edge-1"))
            #expect(!requests.contains { $0.hasPrefix("DELETE") && $0.hasSuffix("edge-0") })
            #expect(
                try await scenario.client.getIfExists(Service.self, name: "edge-1", namespace: Scenario.namespace)
                    == nil)
        }
    }

    @Test func deletionWaitsForAnUnreachableCoordinatorThenRemovesTheFinalizer() async throws {
        try await Scenario.run("deletion") { scenario in
            _ = try await scenario.client.create(Self.publisherSecret())
            _ = try await scenario.client.create(Self.relay())
            try await scenario.sync()
            #expect(try await scenario.reconcile() == .requeue)
            try await scenario.client.delete(PeerRelay.self, name: "edge", namespace: Scenario.namespace)

            // The coordinator cannot be reached: cleanup fails and the finalizer stays.
            try await scenario.sync()
            await #expect(throws: CoordinatorAccess.Failure.self) { try await scenario.reconcile() }
            let held = try await scenario.client.get(PeerRelay.self, name: "edge", namespace: Scenario.namespace)
            #expect(held.metadata.isBeingDeleted)
            #expect(held.metadata.finalizers == [PeerRelay.finalizer])

            // Without the publisher Secret waiting cannot help: deletion proceeds.
            try await scenario.client.delete(Secret.self, name: "tailnet-publisher", namespace: Scenario.namespace)
            try await scenario.sync()
            let mark = scenario.mark
            #expect(try await scenario.reconcile() == .done)
            #expect(
                scenario.requests(since: mark) == [
                    "GET /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge",
                    "PATCH merge /apis/peerrelay.dev/v1alpha1/namespaces/recorded/peerrelays/edge",
                ])
            #expect(
                try await scenario.client.getIfExists(PeerRelay.self, name: "edge", namespace: Scenario.namespace)
                    == nil)
        }
    }
}

/// One scenario: a reconciler and the caches it reads, on a client that either records a real apiserver
/// (`PEERRELAY_RECORD=1`) or replays the recording. Keys and clocks are fixed, so both runs send the same
/// bytes.
final class Scenario: Sendable {
    static let namespace = "recorded"
    static var recording: Bool { ProcessInfo.processInfo.environment["PEERRELAY_RECORD"] == "1" }

    let client: KubeClient
    let view: ClusterView
    let reconciler: RelayReconciler
    private let log: @Sendable () -> [RecordedExchange]
    private let clock = ManualClock()

    static func run(_ name: String, _ body: (Scenario) async throws -> Void) async throws {
        if recording {
            try await record(name, body)
        } else {
            let server = RecordedAPIServer(try Recording.load(name))
            let client = KubeClient(
                configuration: KubeClientConfiguration(server: "https://kube-apiserver.recorded", maxRetries: 0),
                transport: server)
            do {
                try await body(Scenario(client: client, log: { server.sent }))
            } catch {
                Issue.record("the pass differs from the recording \(name): \(server.mismatches)")
                throw error
            }
            #expect(server.mismatches == [], "re-record: see RecordedReconcileTests")
            #expect(server.unplayed == [])
        }
    }

    private static func record(_ name: String, _ body: (Scenario) async throws -> Void) async throws {
        guard let path = ProcessInfo.processInfo.environment["PEERRELAY_KUBECONFIG"], !path.isEmpty else {
            Issue.record("PEERRELAY_RECORD=1 needs PEERRELAY_KUBECONFIG (hack/cluster env)")
            return
        }
        let configuration = try KubeConfigLoader.load(path: path)
        let direct = KubeClient(configuration: configuration)
        try await removeNamespace(direct)
        let recorder = RecordingTransport(
            client: HTTPClient(configuration: HTTPClientConfiguration(tls: configuration.tls)))
        let client = KubeClient(configuration: configuration, transport: recorder)
        _ = try await direct.create(Namespace(name: namespace))
        do {
            try await body(Scenario(client: client, log: { recorder.recorded }))
        } catch {
            try? await removeNamespace(direct)
            throw error
        }
        try Recording(recordedFrom: "kube-apiserver v1.20.2 (hack/cluster)", exchanges: recorder.recorded).save(name)
        try await removeNamespace(direct)
    }

    /// Deletes the scenario's namespace, first lifting the finalizers no operator will remove here.
    private static func removeNamespace(_ client: KubeClient) async throws {
        for relay in (try? await client.list(PeerRelay.self, namespace: namespace).items) ?? [] {
            _ = try? await client.patch(
                PeerRelay.self, name: relay.name, namespace: namespace,
                patch: .merge(["metadata": ["finalizers": .null]]))
        }
        _ = try? await client.delete(Namespace.self, name: namespace)
        for _ in 0..<300 {
            if try await client.getIfExists(Namespace.self, name: namespace) == nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("namespace \(namespace) was not deleted within 60 s")
    }

    private init(client: KubeClient, log: @escaping @Sendable () -> [RecordedExchange]) {
        self.client = client
        self.log = log
        view = ClusterView(
            relays: Store(), statefulSets: Store(), services: Store(), pods: Store(), secrets: Store(),
            configMaps: Store(), nodes: Store())
        let clock = self.clock
        let keys = FixedKeys()
        reconciler = RelayReconciler(
            client: client, view: view, settings: RelayReconciler.Settings(relayImage: Fixtures.image),
            events: nil, resolver: TableResolver(table: [:]),
            clock: ReconcileClock(now: { clock.now() }, wallTime: { RFC3339Time(rfc3339: "2026-11-29T12:00:00Z")! }),
            newKey: { keys.next() },
            logger: Logger(label: "recorded-reconcile"))
    }

    /// Fills the caches from the apiserver, as the controller's watches would.
    func sync() async throws {
        let namespace = Self.namespace
        func fill<T: KubeObject>(_ store: Store<T>, namespace: String?) async throws {
            let list = try await client.list(T.self, namespace: namespace)
            store.replace(list.items, resourceVersion: list.metadata.resourceVersion)
        }
        try await fill(view.services, namespace: namespace)
        try await fill(view.secrets, namespace: namespace)
        try await fill(view.configMaps, namespace: namespace)
        try await fill(view.statefulSets, namespace: namespace)
        try await fill(view.pods, namespace: namespace)
        try await fill(view.nodes, namespace: nil)
    }

    func reconcile() async throws -> ReconcileAction {
        try await reconciler.reconcile(ObjectKey(namespace: Self.namespace, name: "edge"))
    }

    /// Moves the monotonic clock forward.
    func advance(by duration: Duration) { clock.advance(by: duration) }

    /// A position in the exchange log.
    var mark: Int { log().count }

    /// The requests since `mark`, as "METHOD [apply|merge ]path".
    func requests(since mark: Int) -> [String] {
        log().dropFirst(mark).map { exchange in
            let flavour: String
            switch exchange.contentType {
            case "application/apply-patch+yaml": flavour = "apply "
            case "application/merge-patch+json": flavour = "merge "
            default: flavour = ""
            }
            return "\(exchange.method) \(flavour)\(exchange.path)"
        }
    }
}

/// A monotonic clock that moves only when told.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    func now() -> ContinuousClock.Instant { start + offset.withLock { $0 } }
    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// Relay keys 0x01…01, 0x02…02, …: the same in every run.
final class FixedKeys: Sendable {
    private let seed = Mutex<UInt8>(0)

    func next() -> PrivateKey {
        let byte = seed.withLock { value in
            value &+= 1
            return value
        }
        guard let key = try? PrivateKey(bytes: [UInt8](repeating: byte, count: 32)) else {
            Issue.record("a key of 32 bytes \(byte) does not load")
            return PrivateKey.generate()
        }
        return key
    }
}
