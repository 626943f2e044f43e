import Testing

@testable import RelayCore

@Suite struct ConfigurationTests {
    @Test func defaultsMatchTheProtocol() {
        let limits = RelayLimits()
        #expect(limits.idleTimeout == .seconds(1800))
        #expect(limits.bindTimeout == .seconds(30))
        #expect(limits.problems.isEmpty)
    }

    @Test func problemsNameWhatToFix() {
        let limits = RelayLimits(maxSessions: 0, maxSessionsPerNode: 0, idleTimeout: .zero, bindTimeout: .zero)
        #expect(limits.problems.count == 4)
        #expect(limits.problems.contains { $0.contains("maxSessions must be") })
        let configuration = RelayConfiguration(
            relayKey: .generate(), tailnetID: "Bad_Tailnet", trustedCAs: [], limits: limits)
        let problems = configuration.problems
        #expect(problems.contains { $0.contains("no trusted CA public key") })
        #expect(problems.contains { $0.contains("tailnet id") })
        let good = RelayConfiguration(
            relayKey: .generate(), tailnetID: "example.ts", trustedCAs: [CAPrivateKey.generate().publicKey])
        #expect(good.problems.isEmpty)
    }

    @Test func limitsAndSnapshotsEncodeAsJSON() throws {
        let limits = RelayLimits(maxSessions: 5)
        #expect(try JSONCoding.decode(RelayLimits.self, from: JSONCoding.encode(limits)) == limits)
        var h = RelayHarness()
        let a = h.client("laptop", address: "10.0.0.1:1000")
        let b = h.client("server", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        h.advance(.seconds(5))
        let snapshot = h.table.snapshot(now: h.now)
        let json = try JSONCoding.encode(snapshot)
        #expect(json.contains("\"vni\":\(vni)"))
        #expect(json.contains("\"state\":\"binding\""))
        #expect(json.contains("\"ageSeconds\":5"))
        #expect(json.contains("\"name\":\"laptop\""))
        #expect(json.contains(a.publicKey.base64.replacing("/", with: "\\/")) || json.contains(a.publicKey.base64))
        #expect(try JSONCoding.decode([SessionSnapshot].self, from: json) == snapshot)
        let laptop = try #require(snapshot.first?.sides.first { $0.name == "laptop" })
        #expect(laptop.allocated && laptop.boundAddress == nil)
        let server = try #require(snapshot.first?.sides.first { $0.key == b.publicKey })
        #expect(!server.allocated && server.name == "")
    }

    @Test func dropReasonLabelsAreUniqueSnakeCase() {
        let labels = DropReason.allCases.map(\.metricLabel)
        #expect(Set(labels).count == labels.count)
        #expect(labels.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
        #expect(RelayErrorCode.allCases.map(\.rawValue) == Array(1...13))
    }
}
