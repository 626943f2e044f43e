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
/// differs): `hack/cluster up`, `eval "$(hack/cluster env)"`, `kubectl apply -f manifests/01-crd.yaml`, stop
/// the cluster's test-only load balancer allocator (`kill $(cat "$PEERRELAY_CLUSTER_DIR/pids/lb-controller.pid")`;
/// `hack/cluster up` starts it again), then `PEERRELAY_RECORD=1 swift test --filter RecordedReconcileTests`
/// rewrites Tests/OperatorTests/Recordings/. Without the allocator the Services stay pending, as they do on a
/// cloud that is still provisioning: with it, an address lands between two passes or not, at its own pace, so
/// what a later pass sends (and the recording) changed from one run to the next. A recording during which a
/// Service got an address is not saved.
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
                    // No key Secret in the cache: read from the server (404), created, keys added.
                    "GET /api/v1/namespaces/recorded/secrets/edge-relay",
                    "POST /api/v1/namespaces/recorded/secrets",
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
