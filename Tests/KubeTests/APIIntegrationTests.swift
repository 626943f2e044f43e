import Foundation
import Kube
import Testing

extension KubeIntegration {
    @Suite(.enabled(if: Cluster.available, "needs PEERRELAY_KUBECONFIG (hack/cluster up)"), .serialized)
    struct APIIntegrationTests {
        @Test func serverSideApplyConflictsAndForce() async throws {
            try await Cluster.withNamespace("ssa") { client, namespace in
                let first = ConfigMap(
                    metadata: ObjectMeta(name: "applied", namespace: namespace), data: ["owned": "by-a", "a-only": "1"])
                let created = try await client.apply(first, fieldManager: "manager-a")
                #expect(created.data == ["owned": "by-a", "a-only": "1"])
                #expect(created.metadata.managedFields?.contains { $0["manager"] == "manager-a" } == true)

                let second = ConfigMap(
                    metadata: ObjectMeta(name: "applied", namespace: namespace), data: ["owned": "by-b"])
                do {
                    _ = try await client.apply(second, fieldManager: "manager-b")
                    Issue.record("expected a field manager conflict")
                } catch let error as KubeError {
                    guard case .conflict(let status) = error else {
                        Issue.record("expected conflict, got \(error)"); return
                    }
                    #expect(
                        status.causes.contains { $0.reason == "FieldManagerConflict" && $0.field == ".data.owned" },
                        "\(status)")
                }
                let forced = try await client.apply(second, fieldManager: "manager-b", force: true)
                #expect(forced.data == ["owned": "by-b", "a-only": "1"])

                // A re-apply by A without "a-only" removes the field A alone owned.
                let shrink = ConfigMap(metadata: ObjectMeta(name: "applied", namespace: namespace), data: [:])
                let after = try await client.apply(shrink, fieldManager: "manager-a", force: true)
                #expect(after.data == ["owned": "by-b"])

                // kubectl sees the result and its own server-side apply conflicts with ours.
                let json = try Cluster.kubectl([
                    "get", "configmap", "applied", "-n", namespace, "-o", "jsonpath={.data.owned}",
                ])
                #expect(json == "by-b")
                #expect(throws: KubectlError.self) {
                    _ = try Cluster.kubectl(
                        ["apply", "--server-side", "-f", "-"],
                        input:
                            "apiVersion: v1\nkind: ConfigMap\n"
                            + "metadata: {name: applied, namespace: \(namespace)}\ndata: {owned: by-kubectl}\n"
                    )
                }
            }
        }

        @Test func anApplyIfStillAtAVersionIsRefusedOnceAnotherWriterChangedTheObject() async throws {
            try await Cluster.withNamespace("ifstill") { client, namespace in
                let applier = Applier(client: client, fieldManager: "keeper")
                let read = try await client.create(
                    ConfigMap(metadata: ObjectMeta(name: "keys", namespace: namespace), data: ["a": "1"]))
                let version = try #require(read.metadata.resourceVersion)
                _ = try Cluster.kubectl(["patch", "configmap", "keys", "-n", namespace, "-p", #"{"data":{"b":"2"}}"#])
                let ours = ConfigMap(
                    metadata: ObjectMeta(name: "keys", namespace: namespace), data: ["a": "1", "b": "3"])
                await #expect {
                    _ = try await applier.apply(ours, ifStillAt: version)
                } throws: { error in
                    (error as? KubeError)?.isConflict == true
                }
                #expect(
                    try await client.get(ConfigMap.self, name: "keys", namespace: namespace).data == [
                        "a": "1", "b": "2",
                    ])

                // At the version now read it goes through; the same intent applied unconditionally afterwards is
                // skipped while the object stays at the version that apply answered.
                let current = try await client.get(ConfigMap.self, name: "keys", namespace: namespace)
                let written = try await applier.apply(ours, ifStillAt: try #require(current.metadata.resourceVersion))
                #expect(written.data == ["a": "1", "b": "3"])
                #expect(try await applier.apply(ours, observedVersion: written.metadata.resourceVersion) == nil)
            }
        }

        @Test func kubectlAndClientReadEachOthersWrites() async throws {
            try await Cluster.withNamespace("xcheck") { client, namespace in
                _ = try await client.create(
                    Secret(
                        metadata: ObjectMeta(name: "from-swift", namespace: namespace), type: "Opaque",
                        stringData: ["k": "v"]))
                let kubectlView = try Cluster.kubectl([
                    "get", "secret", "from-swift", "-n", namespace, "-o", "jsonpath={.data.k}",
                ])
                #expect(kubectlView == Data("v".utf8).base64EncodedString())

                _ = try Cluster.kubectl(
                    ["apply", "-f", "-"],
                    input: """
                        apiVersion: v1
                        kind: Service
                        metadata: {name: from-kubectl, namespace: \(namespace), labels: {made-by: kubectl}}
                        spec:
                          type: LoadBalancer
                          externalTrafficPolicy: Local
                          selector: {app: relay}
                          ports: [{name: wg, port: 3478, protocol: UDP, targetPort: 3478}]
                        """)
                let service = try await client.get(Service.self, name: "from-kubectl", namespace: namespace)
                #expect(service.spec?.type == "LoadBalancer")
                #expect(service.spec?.externalTrafficPolicy == "Local")
                #expect(service.spec?.ports?.first?.protocol == "UDP")
                #expect(service.spec?.clusterIP?.isEmpty == false)
                #expect(service.metadata.labels?["made-by"] == "kubectl")
            }
        }

        static let crdName = "widgets.kubetest.peerrelay.dev"
        static let widgets = KubeResource(
            group: "kubetest.peerrelay.dev", version: "v1", plural: "widgets", kind: "Widget", namespaced: true)

        func ensureWidgetCRD(_ client: KubeClient) async throws {
            let schema: JSONValue = [
                "type": "object",
                "properties": [
                    "spec": ["type": "object", "properties": ["size": ["type": "integer"]]],
                    "status": [
                        "type": "object",
                        "properties": ["ready": ["type": "boolean"], "observedGeneration": ["type": "integer"]],
                    ],
                ],
            ]
            let crd = CustomResourceDefinition(
                metadata: ObjectMeta(name: Self.crdName),
                spec: .init(
                    group: "kubetest.peerrelay.dev",
                    names: .init(plural: "widgets", singular: "widget", kind: "Widget"),
                    scope: "Namespaced",
                    versions: [.init(name: "v1", schema: .init(openAPIV3Schema: schema), subresources: ["status": [:]])]
                ))
            do {
                _ = try await client.create(crd)
            } catch .alreadyExists {
                // left by an earlier run
            }
            for _ in 0..<100 {
                if try await client.get(CustomResourceDefinition.self, name: Self.crdName).isEstablished { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Discovery and the REST handler follow Established by a moment.
            for _ in 0..<50 {
                if (try? await client.list(JSONValue.self, resource: Self.widgets, namespace: "default")) != nil {
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        @Test func statusSubresourceOnACustomResource() async throws {
            try await Cluster.withNamespace("status") { client, namespace in
                try await ensureWidgetCRD(client)
                let widget: JSONValue = [
                    "apiVersion": "kubetest.peerrelay.dev/v1", "kind": "Widget",
                    "metadata": ["name": "w1", "namespace": .string(namespace)],
                    "spec": ["size": 3], "status": ["ready": true],
                ]
                let created = try await client.create(widget, resource: Self.widgets, namespace: namespace)
                #expect(created["status"] == nil, "status in a create body is dropped")
                #expect(created[path: ["metadata", "generation"]] == 1)

                var withStatus = created
                withStatus["status"] = ["ready": true, "observedGeneration": 1]
                let updated = try await client.replace(
                    withStatus, resource: Self.widgets, namespace: namespace, name: "w1", subresource: "status")
                #expect(updated[path: ["status", "ready"]] == true)
                #expect(updated[path: ["metadata", "generation"]] == 1, "status writes do not bump generation")

                // A stale resourceVersion on /status is a conflict too.
                do {
                    _ = try await client.replace(
                        withStatus, resource: Self.widgets, namespace: namespace, name: "w1", subresource: "status")
                    Issue.record("expected a conflict")
                } catch let error as KubeError {
                    #expect(error.isConflict)
                }
                // A CR PUT without resourceVersion is invalid.
                var noVersion = updated
                noVersion["metadata"]?["resourceVersion"] = nil
                do {
                    _ = try await client.replace(noVersion, resource: Self.widgets, namespace: namespace, name: "w1")
                    Issue.record("expected 422")
                } catch let error as KubeError {
                    guard case .invalid = error else { Issue.record("expected invalid, got \(error)"); return }
                }

                let specChanged = try await client.patch(
                    JSONValue.self, resource: Self.widgets, namespace: namespace, name: "w1",
                    patch: .merge(["spec": ["size": 4], "status": ["ready": false]]))
                #expect(specChanged[path: ["metadata", "generation"]] == 2)
                #expect(specChanged[path: ["status", "ready"]] == true, "the main endpoint ignores status")

                let statusPatched = try await client.patch(
                    JSONValue.self, resource: Self.widgets, namespace: namespace, name: "w1",
                    patch: .merge(["status": ["ready": false]]),
                    subresource: "status")
                #expect(statusPatched[path: ["status", "ready"]] == false)

                let applied = try await client.apply(
                    JSONValue.self, resource: Self.widgets, namespace: namespace, name: "w1",
                    intent: [
                        "apiVersion": "kubetest.peerrelay.dev/v1", "kind": "Widget", "metadata": ["name": "w1"],
                        "status": ["observedGeneration": 2],
                    ] as JSONValue,
                    fieldManager: "status-writer", force: true, subresource: "status")
                #expect(applied[path: ["status", "observedGeneration"]] == 2)

                // Strategic merge patch is not for custom resources.
                do {
                    _ = try await client.patch(
                        JSONValue.self, resource: Self.widgets, namespace: namespace, name: "w1",
                        patch: .strategic(["spec": ["size": 5]]))
                    Issue.record("expected 415")
                } catch let error as KubeError {
                    guard case .unsupportedMediaType = error else { Issue.record("expected 415, got \(error)"); return }
                }
                let fromKubectl = try Cluster.kubectl([
                    "get", "widgets", "w1", "-n", namespace, "-o", "jsonpath={.status.observedGeneration}",
                ])
                #expect(fromKubectl == "2")
            }
        }

        @Test func watchResumesFromAResourceVersion() async throws {
            try await Cluster.withNamespace("watch") { client, namespace in
                var map = try await client.create(
                    ConfigMap(metadata: ObjectMeta(name: "w", namespace: namespace), data: ["n": "0"]))
                let start = map.metadata.resourceVersion!
                for value in 1...3 {
                    map.data = ["n": "\(value)"]
                    map = try await client.replace(map)
                }
                // From the creation RV: exactly the three updates, in order, then the server ends the watch.
                let stream = try await client.watch(
                    ConfigMap.self, namespace: namespace,
                    options: WatchOptions(resourceVersion: start, timeoutSeconds: 2))
                var seen: [String] = []
                var lastVersion = start
                for try await event in stream {
                    if case .modified(let object) = event {
                        seen.append(object.data?["n"] ?? "")
                        lastVersion = object.metadata.resourceVersion ?? lastVersion
                    }
                    if seen.count == 3 { break }
                }
                #expect(seen == ["1", "2", "3"])

                // Resume from the last version seen: only what happened after it.
                map.data = ["n": "4"]
                map = try await client.replace(map)
                try await client.delete(ConfigMap.self, name: "w", namespace: namespace)
                // Only "w": kube-controller-manager adds kube-root-ca.crt to new namespaces at any moment.
                let resumed = try await client.watch(
                    ConfigMap.self, namespace: namespace,
                    options: WatchOptions(
                        fieldSelector: "metadata.name=w", resourceVersion: lastVersion, timeoutSeconds: 2))
                var after: [String] = []
                for try await event in resumed {
                    switch event {
                    case .added(let object): after.append("added \(object.data?["n"] ?? "")")
                    case .modified(let object): after.append("modified \(object.data?["n"] ?? "")")
                    case .deleted(let object): after.append("deleted \(object.data?["n"] ?? "")")
                    case .bookmark: break
                    }
                    if after.count == 2 { break }
                }
                #expect(after == ["modified 4", "deleted 4"])

                // Without a resourceVersion a watch starts with synthetic ADDED events for what exists.
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "present", namespace: namespace)))
                let fresh = try await client.watch(
                    ConfigMap.self, namespace: namespace, options: WatchOptions(timeoutSeconds: 2))
                var initial: [String] = []
                for try await event in fresh {
                    if case .added(let object) = event { initial.append(object.name) }
                    if initial.contains("present") { break }
                }
                #expect(initial.contains("present"))
            }
        }
    }
}
