import Testing

@testable import Operator

@Suite struct RelayNamesTests {
    @Test func childNamesAndReplicaIndex() {
        let names = Fixtures.names
        #expect(names.pod(3) == "edge-3")
        #expect(names.service(0) == "edge-0")
        #expect(names.secret == "edge-relay")
        #expect(names.configMap == "edge-config")
        #expect(names.replicaIndex(of: "edge-12") == 12)
        for other in ["edge", "edge-", "edge-01", "edge-x", "edge-1-config", "edged-1"] {
            #expect(names.replicaIndex(of: other) == nil, "\(other)")
        }
    }

    @Test func coordinatorNameIsADNSLabel() {
        #expect(Fixtures.names.coordinatorName == "net-edge")
        let long = RelayNames(name: String(repeating: "r", count: 52), namespace: String(repeating: "n", count: 40))
        let label = long.coordinatorName
        #expect(label.utf8.count <= 63)
        #expect(label.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" })
        #expect(!label.hasSuffix("-") && !label.hasPrefix("-"))
        let other = RelayNames(name: String(repeating: "r", count: 52), namespace: String(repeating: "n", count: 41))
        #expect(other.coordinatorName != label)
    }

    @Test func labelsCarryTheSelector() {
        let names = Fixtures.names
        for (key, value) in names.selector { #expect(names.labels[key] == value) }
        #expect(names.labels["app.kubernetes.io/managed-by"] == "relay-operator")
        #expect(
            names.selectorText
                == "app.kubernetes.io/component=relay,app.kubernetes.io/instance=edge,app.kubernetes.io/name=peer-relay"
        )
    }
}
