import Testing

@testable import Operator

@Suite struct EndpointDiscoveryTests {
    let resolver = TableResolver(table: [
        "nlb.example.com": ["198.51.100.2", "198.51.100.1"], "r.example": ["2001:db8::7"],
    ])

    func discover(
        _ spec: PeerRelaySpec, _ observed: [Int: ObservedReplica], previous: [Int: [String]] = [:]
    ) -> [EndpointDiscovery.Replica] {
        EndpointDiscovery.discover(
            spec: spec, names: Fixtures.names, observed: observed, previous: previous, resolver: resolver)
    }

    @Test func loadBalancerIPsThenHostname() {
        let result = discover(
            Fixtures.spec(replicas: 3),
            [
                0: ObservedReplica(serviceExists: true, ingressIPs: ["203.0.113.8", "203.0.113.7"]),
                1: ObservedReplica(serviceExists: true, ingressHostnames: ["nlb.example.com"]),
            ])
        #expect(result[0].addresses == ["203.0.113.7:40000", "203.0.113.8:40000"])
        #expect(result[1].addresses == ["198.51.100.1:40000", "198.51.100.2:40000"])
        #expect(result[2].addresses.isEmpty)
        #expect(result[2].pending == .loadBalancer(service: "edge-2"))
    }

    @Test func nodePortUsesExternalThenInternalAddresses() {
        let result = discover(
            Fixtures.spec(replicas: 3, exposure: .nodePort),
            [
                0: ObservedReplica(
                    nodePort: 31000, nodeName: "a", nodeExternalIPs: ["203.0.113.9"], nodeInternalIPs: ["10.0.0.1"]),
                1: ObservedReplica(nodePort: 31001, nodeName: "b", nodeInternalIPs: ["10.0.0.2"]),
                2: ObservedReplica(nodePort: 31002),
            ])
        #expect(result[0].addresses == ["203.0.113.9:31000"])
        #expect(result[1].addresses == ["10.0.0.2:31001"])
        #expect(result[2].pending == .nodeAddress("pod edge-2 is not scheduled to a node yet"))
    }

    @Test func hostPortUsesSpecPort() {
        let result = discover(
            Fixtures.spec(replicas: 1, exposure: .hostPort),
            [0: ObservedReplica(nodeName: "a", nodeInternalIPs: ["10.0.0.1", "fd00::1"])])
        #expect(result[0].addresses == ["10.0.0.1:40000", "[fd00::1]:40000"])
    }

    @Test func staticEndpointsWinAndResolveNames() {
        let result = discover(
            Fixtures.spec(replicas: 2, staticEndpoints: ["203.0.113.7:4000", "r.example:4001", "unused:1"]),
            [0: ObservedReplica(serviceExists: true, ingressIPs: ["127.0.2.1"])])
        #expect(result.map(\.addresses) == [["203.0.113.7:4000"], ["[2001:db8::7]:4001"]])
    }

    @Test func failedResolutionKeepsTheLastGoodAnswer() {
        let spec = Fixtures.spec(replicas: 1, staticEndpoints: ["gone.example:4000"])
        let kept = discover(spec, [:], previous: [0: ["192.0.2.1:4000"]])
        #expect(kept[0].addresses == ["192.0.2.1:4000"])
        let failed = discover(spec, [:])
        #expect(failed[0].addresses.isEmpty)
        guard case .resolution(let message)? = failed[0].pending else {
            Issue.record("expected a resolution failure")
            return
        }
        #expect(message.contains("gone.example"))
    }
}
