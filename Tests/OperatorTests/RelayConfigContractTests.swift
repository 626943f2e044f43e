import ArgumentParser
import Foundation
import Interchange
import RelayCore
import RelayServer
import Telemetry
import Testing

@testable import Operator

/// The operator and relay-server share one configuration contract (`RelaySettings`): what the operator mounts into a
/// relay pod (config file, key and certificate from the Secret, flags and environment of the pod template) is fed
/// to relay-server's own reader and resolver here, so a renamed key or flag fails this test, not a cluster run.
@Suite struct RelayConfigContractTests {
    /// The value at `path` of an apply body, whatever type the builder returns.
    static func tree(_ body: some Encodable) throws -> JSONValue { try JSONValue(encoding: body) }

    @Test func relayServerReadsWhatTheOperatorWrites() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // The identity the operator creates for replica 0 and the certificate the coordinator issues for it.
        let authority = try CertificateAuthority(privateKey: .generate(), tailnetID: "contract.example")
        let key = PrivateKey.generate()
        let pod = Fixtures.names.pod(0)
        let certificate = try authority.issue(
            role: .relay, subjectKey: key.publicKey, subjectID: pod, subjectName: pod)
        var spec = Fixtures.spec(replicas: 1)
        spec.limits = .init(maxSessions: 500, maxSessionsPerNode: 7, idleTimeout: "90s")

        // Mount the Secret and the ConfigMap as the kubelet would: one file per data key.
        let secret = try Self.tree(
            RelayFiles.secret(
                Fixtures.owner,
                credentials: [0: .init(privateKey: key.base64, certificatePEM: certificate.pemEncoded)]))
        for (name, value) in secret["data"]?.objectValue ?? [:] {
            let text = try #require(value.stringValue)
            let bytes = try #require(Data(base64Encoded: text))
            try bytes.write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        let file = RelayConfigFile(spec: spec, caKeys: [authority.publicKey.base64], endpoints: ["127.0.2.1:40000"])
        let configMap = try Self.tree(RelayFiles.configMap(Fixtures.owner, files: [0: file]))
        let configText = try #require(configMap["data"]?["\(pod).json"]?.stringValue)

        // relay-server's reader takes the file as written, key for key.
        let read = try RelaySettings(configJSON: Array(configText.utf8), path: "\(pod).json")
        #expect(read == file.settings)

        // The pod template's flags and environment, with the pod's name and address filled in.
        let statefulSet = try Self.tree(RelayStatefulSet.build(Fixtures.owner, spec: spec, defaultImage: "relay:test"))
        let container = try #require(statefulSet[path: ["spec", "template", "spec", "containers"]]?[0])
        let arguments = (container["args"]?.arrayValue ?? []).compactMap(\.stringValue).map {
            $0.replacingOccurrences(of: "$(POD_NAME)", with: pod)
                .replacingOccurrences(of: RelayNames.keyDirectory, with: directory)
        }
        #expect(arguments.contains("--config=\(RelayNames.configDirectory)/\(pod).json"))
        let flags = try RelayServerFlags.parse(arguments.filter { !$0.hasPrefix("--config=") }).settings()
        var environment: [String: String] = [:]
        for variable in container["env"]?.arrayValue ?? [] {
            guard let name = variable["name"]?.stringValue else { continue }
            environment[name] = variable["value"]?.stringValue ?? "127.0.0.1"  // fieldRefs: the pod's name or IP
        }
        #expect(RelaySettings.undocumentedVariables(in: environment).isEmpty)
        let configuration = try RelayServerConfiguration(
            flags: flags, environment: RelaySettings(environment: environment), file: read, coreCount: 1)

        #expect(configuration.port == spec.effectivePort)
        #expect(configuration.listenAddresses == ["127.0.0.1"])
        #expect(configuration.trust.caKeys == [authority.publicKey])
        #expect(configuration.certificate == certificate)
        #expect(configuration.privateKey.publicKey == key.publicKey)
        #expect(configuration.advertisedEndpoints.map(\.description) == ["127.0.2.1:40000"])
        #expect(configuration.limits.maxSessions == 500)
        #expect(configuration.limits.maxSessionsPerNode == 7)
        #expect(configuration.limits.idleTimeout == .seconds(90))
        #expect(configuration.logFormat == .json)
        // What the spec leaves unset is relay-server's default, defined once in RelayCore.
        #expect(configuration.limits.bindTimeout == RelayLimits().bindTimeout)
        #expect(configuration.adminPort == RelaySettings.defaults.adminPort)
        #expect(configuration.adminPort == RelayNames.adminPort, "the pod's admin port and probes use it")
    }

    @Test func crdAndAPIDocsQuoteRelayServerDefaults() throws {
        let root = "\(#filePath)".split(separator: "/Tests/").first.map(String.init) ?? "."
        let limits = RelayLimits()
        // The chart is the source; manifests/ is rendered from it (hack/render-manifests --check).
        for file in ["charts/peer-relay/files/peerrelays.peerrelay.dev.yaml"] {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(text.contains("relay-server default, \(limits.maxSessions))"), "\(file): maxSessions default")
            #expect(
                text.contains("relay-server default, \(limits.maxSessionsPerNode))"), "\(file): maxSessionsPerNode")
        }
        let api = try String(contentsOfFile: root + "/docs/peerrelay-api.md", encoding: .utf8)
        #expect(api.contains("relay-server default (\(limits.maxSessions))"))
        #expect(api.contains("relay-server default (\(limits.maxSessionsPerNode))"))
    }
}
