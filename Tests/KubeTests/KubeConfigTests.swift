import CurlHTTP
import Foundation
import Kube
import Testing

@Suite struct KubeConfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static var caData: String { Data(caPEM.utf8).base64EncodedString() }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "kubeconfig-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func currentContextSelectsClusterUserAndNamespace() throws {
        let config = try KubeConfigLoader.load(
            text: """
                apiVersion: v1
                kind: Config
                current-context: dev
                clusters:
                - name: c1
                  cluster:
                    server: https://127.0.0.1:6443/
                    certificate-authority-data: \(Self.caData)
                users:
                - name: u1
                  user:
                    token: abc
                contexts:
                - name: dev
                  context: {cluster: c1, user: u1, namespace: team}
                - name: other
                  context: {cluster: c1, user: u1}
                """, file: "/tmp/k.yaml")
        #expect(config.server == "https://127.0.0.1:6443")
        #expect(config.auth == .token("abc"))
        #expect(config.namespace == "team")
        #expect(config.tls.certificateAuthority == .data(Array(Self.caPEM.utf8)))

        let other = try KubeConfigLoader.load(
            text:
                "current-context: dev\nclusters: [{name: c1, cluster: {server: 'http://h:1'}}]\n"
                + "contexts: [{name: dev, context: {cluster: c1}}, "
                + "{name: other, context: {cluster: c1, namespace: ''}}]\n",
            file: "/tmp/k.yaml", context: "other")
        #expect(other.namespace == "default")
        #expect(other.auth == .none)
    }

    @Test func kubeconfigListMergesFirstDefinitionWins() throws {
        let dir = try temporaryDirectory()
        let first = dir + "/a"
        let second = dir + "/b"
        try """
        current-context: a
        clusters: [{name: shared, cluster: {server: "https://first:1"}}]
        contexts: [{name: a, context: {cluster: shared, user: ua}}]
        users: [{name: ua, user: {tokenFile: token}}]
        """.write(toFile: first, atomically: true, encoding: .utf8)
        try """
        current-context: b
        clusters:
        - {name: shared, cluster: {server: "https://second:1"}}
        - {name: only2, cluster: {server: "https://only2:1"}}
        contexts: [{name: b, context: {cluster: only2}}]
        """.write(toFile: second, atomically: true, encoding: .utf8)
        try "tok\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        let config = try KubeConfigLoader.load(environment: ["KUBECONFIG": "\(first):\(dir)/missing:\(second)"])
        #expect(config.server == "https://first:1")
        #expect(config.auth == .tokenFile(dir + "/token"), "relative paths resolve against the kubeconfig's directory")
        let fromSecond = try KubeConfigLoader.load(context: "b", environment: ["KUBECONFIG": "\(first):\(second)"])
        #expect(fromSecond.server == "https://only2:1")
    }

    @Test func clientCertificateFilesAndExecPlugins() throws {
        let dir = try temporaryDirectory()
        try "cert".write(toFile: dir + "/c.crt", atomically: true, encoding: .utf8)
        try "key".write(toFile: dir + "/c.key", atomically: true, encoding: .utf8)
        let text = """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1", insecure-skip-tls-verify: true}}]
            contexts: [{name: x, context: {cluster: c, user: u}}, {name: e, context: {cluster: c, user: ex}}]
            users:
            - name: u
              user: {client-certificate: c.crt, client-key: \(dir)/c.key}
            - name: ex
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: get-token
                  args: [--flag]
                  env: [{name: A, value: b}]
                  installHint: install get-token
            """
        let config = try KubeConfigLoader.load(text: text, file: dir + "/config")
        #expect(config.tls.clientCertificate == .file(dir + "/c.crt"))
        #expect(config.tls.clientKey == .file(dir + "/c.key"))
        #expect(config.tls.insecureSkipVerify)
        let exec = try KubeConfigLoader.load(text: text, file: dir + "/config", context: "e")
        guard case .exec(let plugin) = exec.auth else { Issue.record("expected exec auth"); return }
        #expect(plugin.command == "get-token")
        #expect(plugin.arguments == ["--flag"])
        #expect(plugin.environment == ["A": "b"])
        #expect(plugin.installHint == "install get-token")
    }

    @Test func errorsNameFileLineAndFix() throws {
        func failure(_ text: String, context: String? = nil) -> KubeConfigError? {
            do {
                _ = try KubeConfigLoader.load(text: text, file: "/etc/kc", context: context)
                return nil
            } catch {
                return error
            }
        }
        let missingCluster = failure(
            "current-context: a\ncontexts:\n- name: a\n  context:\n    cluster: nope\nclusters: []\n")
        #expect(missingCluster?.description.hasPrefix("/etc/kc:5:") == true, "\(String(describing: missingCluster))")
        #expect(missingCluster?.problem.contains("cluster \"nope\"") == true)

        let unknownContext = failure("current-context: ghost\ncontexts: [{name: a, context: {cluster: c}}]\n")
        #expect(unknownContext?.mark?.line == 1)
        #expect(unknownContext?.problem.contains("defined: a") == true)

        let badBase64 = failure(
            "current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\nclusters:\n- name: c\n  cluster:\n"
                + "    server: https://h:1\n    certificate-authority-data: '%%%'\n"
        )
        #expect(badBase64?.mark?.line == 7)
        #expect(badBase64?.problem.contains("base64") == true)

        let noServer = failure(
            "current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]\n")
        #expect(noServer?.problem.contains("has no server") == true)

        let badScheme = failure(
            "current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n"
                + "clusters: [{name: c, cluster: {server: 'h:1'}}]\n"
        )
        #expect(badScheme?.problem.contains("https://") == true)

        let yamlError = failure("clusters:\n  - name: c\n   bad: indent\n")
        #expect(yamlError?.mark?.line == 3)

        let typeError = failure("clusters: {name: c}\n")
        #expect(typeError?.problem.contains("clusters") == true)

        let noContext = failure("clusters: []\n")
        #expect(noContext?.problem.contains("current-context") == true)

        let missingFile = failure(
            "current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n"
                + "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                + "users: [{name: u, user: {tokenFile: /no/such/file}}]\n"
        )
        #expect(missingFile?.problem.contains("/no/such/file") == true)
        #expect(missingFile?.mark?.line == 4)
    }

    @Test func inClusterConfigReadsTheServiceAccount() throws {
        let dir = try temporaryDirectory()
        try "token-1".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        try "ca".write(toFile: dir + "/ca.crt", atomically: true, encoding: .utf8)
        try "ops\n".write(toFile: dir + "/namespace", atomically: true, encoding: .utf8)
        let config = try KubeClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], directory: dir)
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.auth == .tokenFile(dir + "/token"))
        #expect(config.namespace == "ops")
        #expect(throws: KubeConfigError.self) {
            try KubeClientConfiguration.inCluster(environment: [:], directory: dir)
        }
    }
}
