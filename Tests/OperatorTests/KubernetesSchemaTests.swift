import Foundation
import Interchange
import Kube
import Testing

@testable import Operator

/// Pipes every object the operator writes through `hack/validate-k8s-objects`, which checks built-in kinds
/// against the Kubernetes 1.34 OpenAPI document and PeerRelays against the CRD, rejecting unknown fields.
@Suite(
    .enabled(
        if: KubernetesOpenAPIDocument.found,
        "needs the Kubernetes 1.34 OpenAPI document (hack/validate-k8s-objects --find-openapi: how to get it)"))
struct KubernetesSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func validate(_ objects: [any Encodable], partial: Bool) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("hack/validate-k8s-objects")
        process.arguments = (partial ? ["--partial"] : []) + ["-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let body = JSONValue.array(try objects.map { try JSONValue(encoding: $0) }).jsonString()
        input.fileHandleForWriting.write(Data("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":\(body)}".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static func everySpec() -> [PeerRelaySpec] {
        var specs = [Fixtures.spec(), Fixtures.spec(exposure: .nodePort), Fixtures.spec(exposure: .hostPort)]
        var full = Fixtures.spec(
            replicas: 3, staticEndpoints: ["203.0.113.7:40000", "[2001:db8::1]:40000", "r.example:1"])
        full.port = 443
        full.exposure = .init(
            type: .loadBalancer, annotations: ["a.example/b": "c"], externalTrafficPolicy: "Cluster",
            loadBalancerClass: "example.com/udp")
        full.limits = .init(maxSessions: 100, maxSessionsPerNode: 10, idleTimeout: "90s")
        full.pod = .init(
            image: "registry.example/relay:2",
            resources: ResourceRequirements(requests: ["cpu": "100m", "memory": "64Mi"]),
            nodeSelector: ["role": "edge"],
            tolerations: [.init(key: "edge", operator: "Exists", effect: "NoSchedule")],
            affinity: [
                "podAffinity": [
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        [
                            "weight": 10,
                            "podAffinityTerm": ["topologyKey": "zone", "labelSelector": ["matchLabels": ["a": "b"]]],
                        ]
                    ]
                ]
            ], priorityClassName: "relays")
        specs.append(full)
        var hostPortWithAffinity = full
        hostPortWithAffinity.exposure = .init(type: .hostPort)
        specs.append(hostPortWithAffinity)
        return specs
    }

    @Test func appliedObjectsAreValidKubernetesObjects() throws {
        var objects: [any Encodable] = []
        for spec in Self.everySpec() {
            objects.append(RelayStatefulSet.build(Fixtures.owner, spec: spec, defaultImage: Fixtures.image))
            for index in 0..<spec.effectiveReplicas {
                if let service = RelayService.build(Fixtures.owner, spec: spec, index: index) {
                    objects.append(service)
                }
            }
            let files = Dictionary(
                uniqueKeysWithValues: (0..<spec.effectiveReplicas).map {
                    ($0, RelayConfigFile(spec: spec, caKeys: ["a"], endpoints: ["127.0.2.\($0 + 1):40000"]))
                })
            objects.append(RelayFiles.configMap(Fixtures.owner, files: files))
            objects.append(
                RelayFiles.secret(Fixtures.owner, credentials: [0: .init(privateKey: "k", certificatePEM: "pem")]))
        }
        objects.append(RelayFiles.secret(Fixtures.owner, credentials: [:]))
        let result = try validate(objects, partial: false)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func statusBodiesAreValidPeerRelays() throws {
        var bodies: [any Encodable] = []
        for status in StatusComputationTests.sampleStatuses() {
            bodies.append(StatusBody(names: Fixtures.names, status: status))
        }
        let result = try validate(bodies, partial: true)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theValidatorCatchesMistakes() throws {
        var broken = try JSONValue(
            encoding: RelayStatefulSet.build(Fixtures.owner, spec: Fixtures.spec(), defaultImage: Fixtures.image))
        if case .object(var members) = broken, case .object(var spec) = members["spec"] {
            spec["replica"] = 2
            members["spec"] = .object(spec)
            broken = .object(members)
        }
        #expect(try validate([broken], partial: false).status != 0)
        var status = PeerRelayStatus(endpointsSummary: "")
        status.conditions = []
        #expect(try validate([StatusBody(names: Fixtures.names, status: status)], partial: true).status != 0)
    }
}

/// Whether hack/validate-k8s-objects finds its OpenAPI document (test data kept beside the repository).
enum KubernetesOpenAPIDocument {
    static let found: Bool = {
        let process = Process()
        process.executableURL = KubernetesSchemaTests.root.appendingPathComponent("hack/validate-k8s-objects")
        process.arguments = ["--find-openapi"]
        process.standardOutput = FileHandle.standardError
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
