import FoundationEssentials
import Interchange
import Kube
import Testing

@testable import Operator

@Suite struct StatusComputationTests {
    static let t0 = RFC3339Time(rfc3339: "2026-11-25T08:00:00Z")!
    static let t1 = RFC3339Time(rfc3339: "2026-11-25T08:05:00Z")!

    static func discovered(_ addresses: [[String]]) -> [EndpointDiscovery.Replica] {
        addresses.enumerated().map { index, list in
            EndpointDiscovery.Replica(
                index: index, addresses: list, pending: list.isEmpty ? .loadBalancer(service: "edge-\(index)") : nil)
        }
    }

    static func input(
        spec: PeerRelaySpec = Fixtures.spec(), previous: PeerRelayStatus? = nil, now: RFC3339Time = t0,
        addresses: [[String]] = [["127.0.2.1:40000"], ["127.0.2.2:40000"]], ready: Int = 2,
        published: Set<Int> = [0, 1]
    ) -> StatusInput {
        StatusInput(
            spec: spec, names: Fixtures.names, generation: 3, previous: previous, now: now,
            discovery: discovered(addresses), podReplicas: spec.effectiveReplicas, readyReplicas: ready,
            publish: PublishOutcome(published: published))
    }

    static func sampleStatuses() -> [PeerRelayStatus] {
        let ready = StatusComputation.compute(input())
        var invalid = input()
        invalid.invalidSpec = InvalidSpec("spec.staticEndpoints has 1 entry but spec.replicas is 2")
        var failed = input(addresses: [["127.0.2.1:40000"], []], ready: 1, published: [0])
        failed.publish.failure = (.coordinatorRejected, "coordinator refused the request (HTTP 401)")
        return [
            ready, StatusComputation.compute(invalid), StatusComputation.compute(failed),
            StatusComputation.compute(input(spec: Fixtures.spec(replicas: 0), addresses: [], ready: 0, published: [])),
            StatusComputation.compute(input(addresses: [[], []], ready: 0, published: [])),
        ]
    }

    @Test func readyWhenEverythingIsDone() {
        let status = StatusComputation.compute(Self.input())
        #expect(status.condition("Ready")?.status == "True")
        #expect(status.condition("Ready")?.reason == "Ready")
        #expect(status.condition("Ready")?.message == "2 of 2 replicas ready and published")
        #expect(status.condition("EndpointsReady")?.reason == "Discovered")
        #expect(status.condition("Published")?.reason == "Published")
        #expect(status.endpointsSummary == "127.0.2.1:40000,127.0.2.2:40000")
        #expect(status.endpoints?.map(\.pod) == ["edge-0", "edge-1"])
        #expect(status.endpoints?.allSatisfy { $0.published == true } == true)
        #expect(status.observedGeneration == 3)
        #expect(
            status.conditions?.allSatisfy { $0.observedGeneration == 3 && $0.lastTransitionTime == Self.t0 } == true)
    }

    @Test func recomputingKeepsTransitionTimesSoNothingIsWritten() {
        let first = StatusComputation.compute(Self.input())
        let second = StatusComputation.compute(Self.input(previous: first, now: Self.t1))
        #expect(first == second)
        let flipped = StatusComputation.compute(Self.input(previous: first, now: Self.t1, ready: 1))
        #expect(flipped.condition("Ready")?.lastTransitionTime == Self.t1)
        #expect(flipped.condition("Ready")?.reason == "ReplicasNotReady")
        #expect(flipped.condition("Ready")?.message == "1 of 2 relay pods are ready")
        #expect(flipped.condition("EndpointsReady")?.lastTransitionTime == Self.t0)
    }

    @Test func pendingEndpoints() {
        let status = StatusComputation.compute(Self.input(addresses: [["127.0.2.1:40000"], []], published: [0]))
        #expect(status.condition("Ready")?.reason == "EndpointsPending")
        #expect(status.condition("Ready")?.message == "1 of 2 replicas have no endpoint yet")
        #expect(status.condition("EndpointsReady")?.reason == "LoadBalancerPending")
        #expect(status.condition("EndpointsReady")?.message?.contains("edge-1") == true)
        #expect(status.condition("Published")?.reason == "EndpointsPending")
        #expect(status.endpointsSummary == "127.0.2.1:40000 (1/2 pending)")
        #expect(status.endpoints?[1].addresses == nil)
        #expect(status.endpoints?[0].published == true)
        let none = StatusComputation.compute(Self.input(addresses: [[], []], published: []))
        #expect(none.endpointsSummary == "pending")
    }

    @Test func publishFailureNamesTheReason() {
        var input = Self.input()
        input.publish = PublishOutcome(
            published: [], failure: (.secretNotFound, "Secret net/tailnet-publisher not found"))
        let status = StatusComputation.compute(input)
        #expect(status.condition("Published")?.status == "False")
        #expect(status.condition("Published")?.reason == "SecretNotFound")
        #expect(status.condition("Ready")?.reason == "NotPublished")
        #expect(status.condition("Ready")?.message == "Secret net/tailnet-publisher not found")
    }

    @Test func invalidSpecKeepsEndpointsAndNamesTheRule() {
        let ready = StatusComputation.compute(Self.input())
        var input = Self.input(previous: ready, now: Self.t1)
        input.invalidSpec = InvalidSpec("spec.limits.maxSessionsPerNode (500) exceeds spec.limits.maxSessions (100)")
        let status = StatusComputation.compute(input)
        #expect(status.condition("Ready")?.reason == "InvalidSpec")
        #expect(status.condition("EndpointsReady")?.reason == "InvalidSpec")
        #expect(status.condition("Ready")?.message?.hasPrefix("spec.limits.maxSessionsPerNode") == true)
        #expect(
            status.condition("Published")
                == ready.condition("Published").map {
                    var c = $0; c.observedGeneration = 3; return c
                })
        #expect(status.endpoints == ready.endpoints)
    }

    @Test func applyFailureWinsOverEverythingButInvalidSpec() {
        var input = Self.input()
        input.applyFailure = "StatefulSet edge: spec.template.spec.affinity: Invalid value"
        #expect(StatusComputation.compute(input).condition("Ready")?.reason == "ApplyFailed")
    }

    @Test func scaledToZero() {
        let status = StatusComputation.compute(
            Self.input(spec: Fixtures.spec(replicas: 0), addresses: [], ready: 0, published: []))
        #expect(status.condition("Ready")?.status == "True")
        #expect(status.condition("Ready")?.reason == "ScaledToZero")
        #expect(status.condition("Published")?.reason == "ScaledToZero")
        #expect(status.endpointsSummary == "none (0 replicas)")
        #expect(status.endpoints == nil)
    }

    @Test func summaryIsCutAtAnAddressBoundary() {
        let replicas = (0..<64).map { ["[2001:db8:1234:5678:9abc:def0:1234:\(String($0, radix: 16))]:40000"] }
        let text = EndpointsSummary.text(replicas)
        #expect(text.count <= 1024)
        #expect(text.contains(",… (+"))
        let kept = text.components(separatedBy: ",…").first ?? ""
        #expect(kept.split(separator: ",").allSatisfy { $0.hasSuffix(":40000") })
    }

    @Test func noEmptyStringsAnywhere() throws {
        for status in Self.sampleStatuses() {
            let text = try JSONValue(encoding: status).jsonString()
            #expect(!text.contains("\"\""), "\(text)")
        }
    }
}
