import Kube
import Testing

@testable import Operator

/// The requeue outcome of a pass and the first-start hold-back, as pure decisions.
@Suite struct ReconcileDecisionTests {
    static let settings = RelayReconciler.Settings(
        relayImage: Fixtures.image, pendingRequeue: .seconds(3), resync: .seconds(600))

    func status(ready: Bool) -> PeerRelayStatus {
        var input = StatusComputationTests.input()
        if !ready { input.readyReplicas = 1 }
        return StatusComputation.compute(input)
    }

    @Test func readyRelaysResyncSlowly() {
        #expect(
            ReconcileDecision.next(status: status(ready: true), publishFailure: nil, settings: Self.settings)
                == .requeueAfter(.seconds(600)))
    }

    @Test func problemsOnlyTheUserCanFixWaitForTheirChange() {
        for failure in [PublishOutcome.Failure.secretNotFound, .secretKeyMissing, .coordinatorRejected] {
            #expect(
                ReconcileDecision.next(status: status(ready: false), publishFailure: failure, settings: Self.settings)
                    == .requeueAfter(.seconds(60)), "\(failure)")
        }
    }

    @Test func anUnreachableCoordinatorRetriesWithBackoff() {
        #expect(
            ReconcileDecision.next(
                status: status(ready: false), publishFailure: .coordinatorUnreachable, settings: Self.settings)
                == .requeue)
    }

    @Test func pendingRelaysLookAgainSoon() {
        #expect(
            ReconcileDecision.next(status: status(ready: false), publishFailure: nil, settings: Self.settings)
                == .requeueAfter(.seconds(3)))
    }

    static let withoutCertificates: [Int: RelayFiles.Credentials] = [
        0: .init(privateKey: "a2V5MA==", certificatePEM: nil), 1: .init(privateKey: "a2V5MQ==", certificatePEM: nil),
    ]
    static let complete: [Int: RelayFiles.Credentials] = [
        0: .init(privateKey: "a2V5MA==", certificatePEM: "pem0"),
        1: .init(privateKey: "a2V5MQ==", certificatePEM: "pem1"),
    ]

    func files(_ indices: [Int]) -> [Int: RelayConfigFile] {
        Dictionary(
            uniqueKeysWithValues: indices.map {
                ($0, RelayConfigFile(spec: Fixtures.spec(), caKeys: ["a"], endpoints: ["127.0.2.1:40000"]))
            })
    }

    @Test func loadBalancerRelaysWaitForTheirFilesAtMostSixtySeconds() {
        let spec = Fixtures.spec()
        func holds(_ credentials: [Int: RelayFiles.Credentials], _ files: [Int: RelayConfigFile], _ waited: Int) -> Bool
        {
            ReconcileDecision.holdsBackFirstStart(
                statefulSetExists: false, spec: spec, credentials: credentials, files: files,
                waited: .seconds(waited))
        }
        #expect(holds(Self.withoutCertificates, files([0, 1]), 0))
        #expect(holds(Self.complete, files([0]), 59))
        #expect(!holds(Self.withoutCertificates, files([0, 1]), 60))
        #expect(!holds(Self.complete, files([0, 1]), 0))
    }

    @Test func nodeDependentOrRunningRelaysAreNeverHeldBack() {
        for exposure in [PeerRelaySpec.ExposureType.nodePort, .hostPort] {
            #expect(
                !ReconcileDecision.holdsBackFirstStart(
                    statefulSetExists: false, spec: Fixtures.spec(exposure: exposure),
                    credentials: Self.withoutCertificates, files: [:], waited: .zero))
        }
        // Static endpoints for every replica do not depend on the pods: those wait like LoadBalancer.
        #expect(
            ReconcileDecision.holdsBackFirstStart(
                statefulSetExists: false,
                spec: Fixtures.spec(exposure: .nodePort, staticEndpoints: ["192.0.2.1:40000", "192.0.2.2:40000"]),
                credentials: Self.withoutCertificates, files: [:], waited: .zero))
        #expect(
            !ReconcileDecision.holdsBackFirstStart(
                statefulSetExists: true, spec: Fixtures.spec(), credentials: Self.withoutCertificates, files: [:],
                waited: .zero))
    }
}
