import Foundation
import Kube
import Testing

extension KubeIntegration {
    @Suite(.enabled(if: Cluster.available, "needs PEERRELAY_KUBECONFIG (hack/cluster up)"), .serialized)
    struct ClientIntegrationTests {
        @Test func configMapCRUD() async throws {
            try await Cluster.withNamespace("crud") { client, namespace in
                var map = ConfigMap(
                    metadata: ObjectMeta(name: "demo", namespace: namespace, labels: ["app": "x"]), data: ["a": "1"])
                let created = try await client.create(map)
                #expect(created.metadata.uid != nil)
                #expect(created.data == ["a": "1"])

                await #expect(throws: KubeError.self) { _ = try await client.create(map) }
                do {
                    _ = try await client.create(map)
                } catch let error as KubeError {
                    #expect(error.isAlreadyExists)
                }

                var fetched = try await client.get(ConfigMap.self, name: "demo", namespace: namespace)
                #expect(fetched.metadata.resourceVersion == created.metadata.resourceVersion)
                fetched.data?["b"] = "2"
                let replaced = try await client.replace(fetched)
                #expect(replaced.data == ["a": "1", "b": "2"])

                // A stale resourceVersion is a 409 Conflict.
                map = created
                map.data = ["stale": "yes"]
                do {
                    _ = try await client.replace(map)
                    Issue.record("expected a conflict")
                } catch let error as KubeError {
                    #expect(error.isConflict, "\(error)")
                    #expect(error.description.contains("re-read"))
                }

                let merged = try await client.patch(
                    ConfigMap.self, name: "demo", namespace: namespace, patch: .merge(["data": ["a": nil, "c": "3"]]))
                #expect(merged.data == ["b": "2", "c": "3"])

                let jsonPatched = try await client.patch(
                    ConfigMap.self, name: "demo", namespace: namespace,
                    patch: .json([
                        .test("/data/b", "2"), .replace("/data/b", "two"), .add("/metadata/labels/extra", "y"),
                    ]))
                #expect(jsonPatched.data?["b"] == "two")
                #expect(jsonPatched.metadata.labels?["extra"] == "y")

                do {
                    _ = try await client.patch(
                        ConfigMap.self, name: "demo", namespace: namespace, patch: .json([.test("/data/b", "wrong")]))
                    Issue.record("a failing JSON patch test must be rejected")
                } catch let error as KubeError {
                    #expect(error.code == 422, "\(error)")
                }

                let list = try await client.list(
                    ConfigMap.self, namespace: namespace, options: ListOptions(labelSelector: "app=x"))
                #expect(list.items.map(\.name) == ["demo"])
                #expect(list.metadata.resourceVersion != nil)
                let none = try await client.list(
                    ConfigMap.self, namespace: namespace, options: ListOptions(labelSelector: "app=y"))
                #expect(none.items.isEmpty)
                let byField = try await client.list(
                    ConfigMap.self, namespace: namespace, options: ListOptions(fieldSelector: "metadata.name=demo"))
                #expect(byField.items.count == 1)

                // Delete with a wrong precondition is a conflict, then a real delete, then NotFound.
                do {
                    try await client.delete(
                        ConfigMap.self, name: "demo", namespace: namespace,
                        options: DeleteOptions(preconditions: .init(uid: "00000000-0000-0000-0000-000000000000")))
                    Issue.record("expected a precondition conflict")
                } catch let error as KubeError {
                    #expect(error.isConflict, "\(error)")
                }
                try await client.delete(
                    ConfigMap.self, name: "demo", namespace: namespace,
                    options: DeleteOptions(propagationPolicy: "Background"))
                do {
                    _ = try await client.get(ConfigMap.self, name: "demo", namespace: namespace)
                    Issue.record("expected NotFound")
                } catch let error as KubeError {
                    #expect(error.isNotFound)
                    #expect(error.status?.details?.name == "demo")
                }
                #expect(try await client.getIfExists(ConfigMap.self, name: "demo", namespace: namespace) == nil)
            }
        }

        @Test func paginationFollowsContinueTokens() async throws {
            try await Cluster.withNamespace("page") { client, namespace in
                for index in 0..<7 {
                    _ = try await client.create(
                        ConfigMap(metadata: ObjectMeta(name: "cm-\(index)", namespace: namespace)))
                }
                let page = try await client.list(ConfigMap.self, namespace: namespace, options: ListOptions(limit: 3))
                #expect(page.items.count == 3)
                #expect(page.metadata.continue?.isEmpty == false)
                let all = try await client.listAll(
                    ConfigMap.self, resource: ConfigMap.resource, namespace: namespace, pageSize: 3)
                #expect(Set(all.items.map(\.name).filter { $0.hasPrefix("cm-") }) == Set((0..<7).map { "cm-\($0)" }))
            }
        }

        @Test(
            .enabled(
                if: ProcessInfo.processInfo.environment["PEERRELAY_KUBECONFIG_UNPRIVILEGED"] != nil,
                "needs PEERRELAY_KUBECONFIG_UNPRIVILEGED (eval \"$(hack/cluster env)\")"))
        func forbiddenIsTyped() async throws {
            let unprivileged = try #require(ProcessInfo.processInfo.environment["PEERRELAY_KUBECONFIG_UNPRIVILEGED"])
            let client = try KubeClient(kubeconfig: unprivileged)
            do {
                _ = try await client.list(ConfigMap.self, namespace: "kube-system")
                Issue.record("expected 403")
            } catch let error as KubeError {
                guard case .forbidden(let status) = error else {
                    Issue.record("expected forbidden, got \(error)"); return
                }
                #expect(status.message?.contains("cannot list resource") == true)
            }
        }

        @Test func unauthorizedIsTyped() async throws {
            var configuration = try Cluster.client().configuration
            configuration.auth = .token("not-a-valid-token")
            configuration.maxRetries = 0
            do {
                _ = try await KubeClient(configuration: configuration).list(ConfigMap.self, namespace: "default")
                Issue.record("expected 401")
            } catch let error as KubeError {
                guard case .unauthorized = error else { Issue.record("expected unauthorized, got \(error)"); return }
            }
        }
    }
}
