import Foundation
import Kube
import PeerRelayTestSupport
import Synchronization
import Testing

extension KubeIntegration {
    @Suite(.enabled(if: Cluster.available, "needs PEERRELAY_KUBECONFIG (hack/cluster up)"), .serialized)
    struct RuntimeIntegrationTests {
        /// Makes older resourceVersions unservable: writes, compacts etcd up to the current revision, then
        /// restarts kube-apiserver (`hack/cluster restart-apiserver`) so its watch cache is rebuilt from the
        /// compacted etcd (the cache alone keeps at least 75 s of history, so compaction by itself is not
        /// visible to watches right away).
        func expire(_ client: KubeClient, churnNamespace: String) async throws {
            var map = try await client.create(
                ConfigMap(metadata: ObjectMeta(name: "churn", namespace: churnNamespace), data: ["i": "0"]))
            for index in 1...120 {
                map.data = ["i": "\(index)"]
                map = try await client.replace(map)
            }
            let endpoint = try #require(
                Cluster.etcdEndpoint, "needs PEERRELAY_ETCD_ENDPOINT (eval \"$(hack/cluster env)\") to compact etcd")
            let status = try await ChildProcess.run(
                "/usr/bin/env", ["etcdctl", "--endpoints=\(endpoint)", "endpoint", "status", "-w", "json"])
            try #require(status.status == 0, "etcdctl endpoint status: \(status.output)")
            let value = try JSONValue.parse(json: Array(status.stdout.utf8))
            let revision = try #require(
                value[0]?[path: ["Status", "header", "revision"]]?.intValue, "\(status.stdout)")
            let compacted = try await ChildProcess.run(
                "/usr/bin/env", ["etcdctl", "--endpoints=\(endpoint)", "compact", String(revision)])
            try #require(compacted.status == 0, "etcdctl compact: \(compacted.output)")
            let script = BuiltProducts.repositoryRoot + "/hack/cluster"
            // Through python: children of this process inherit a blocked signal mask, and bash cannot reap
            // its own children with SIGCHLD blocked.
            let unblock =
                "import os,signal,sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "os.execv(sys.argv[1], sys.argv[1:])"
            // posix_spawn + waitpid: Foundation's Process did not reap this child reliably here.
            let argv = ["/usr/bin/env", "python3", "-c", unblock, script, "restart-apiserver"]
            var cArguments = argv.map { strdup($0) } + [nil]
            defer { for pointer in cArguments { free(pointer) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, "/usr/bin/env", nil, nil, &cArguments, environ) == 0 else {
                Issue.record("cannot run hack/cluster restart-apiserver")
                return
            }
            var waitStatus: Int32 = 0
            waitpid(pid, &waitStatus, 0)
            // WIFEXITED && WEXITSTATUS == 0, by hand (the macros are not imported).
            try #require(
                waitStatus & 0x7F == 0 && (waitStatus >> 8) & 0xFF == 0,
                "hack/cluster restart-apiserver failed (wait status \(waitStatus))")
        }

        @Test(
            .enabled(
                if: ProcessInfo.processInfo.environment["PEERRELAY_CLUSTER_DIR"] != nil,
                "restarts kube-apiserver: needs PEERRELAY_CLUSTER_DIR"))
        func expiredResourceVersionIsGoneAndTheWatcherRelists() async throws {
            try await Cluster.withNamespace("gone") { client, namespace in
                let churn = namespace + "-churn"
                _ = try await client.create(Namespace(name: churn))
                defer { Task { _ = try? await client.delete(Namespace.self, name: churn) } }

                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "before", namespace: namespace)))
                let oldVersion = try await client.list(ConfigMap.self, namespace: namespace).metadata.resourceVersion!

                // The watcher syncs, then its watch ends every second and resumes from its (soon expired) version.
                final class Seen: Sendable {
                    let restarts = Mutex<[[String]]>([])
                }
                let seen = Seen()
                let watcher = Watcher<ConfigMap>(
                    client: client,
                    configuration: .init(
                        namespace: namespace, watchTimeout: 1...1, backoffBase: .milliseconds(50), bookmarks: false))
                let store = Store<ConfigMap>()
                let task = Task {
                    await watcher.run(into: store) { event in
                        if case .restarted(let objects, _) = event {
                            seen.restarts.withLock { $0.append(objects.map(\.name).sorted()) }
                        }
                    }
                }
                defer { task.cancel() }
                for _ in 0..<100 where seen.restarts.withLock({ $0.isEmpty }) {
                    try await Task.sleep(for: .milliseconds(50))
                }

                try await expire(client, churnNamespace: churn)
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "after", namespace: namespace)))

                // A direct watch from the old version gets an in-band ERROR 410.
                let stream = try await client.watch(
                    ConfigMap.self, namespace: namespace,
                    options: WatchOptions(resourceVersion: oldVersion, timeoutSeconds: 5))
                do {
                    for try await _ in stream {}
                    Issue.record("expected 410 Gone")
                } catch let error as KubeError {
                    #expect(error.isGone, "\(error)")
                    #expect(error.status?.message?.contains("too old resource version") == true)
                }

                // The watcher hit the same 410 and re-listed: a second restart that includes "after".
                for _ in 0..<200 {
                    if seen.restarts.withLock({ $0.count >= 2 }), store.get(name: "after", namespace: namespace) != nil
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let restarts = seen.restarts.withLock { $0 }
                #expect(restarts.count >= 2, "restarts: \(restarts)")
                #expect(
                    restarts.last?.contains("after") == true || store.get(name: "after", namespace: namespace) != nil)
                #expect(store.get(name: "before", namespace: namespace) != nil)
            }
        }

        @Test func leaseFailsOverToTheSecondProcessAfterTheFirstIsKilled() async throws {
            let probe = try BuiltProducts.path("kube-lease-probe")
            try await Cluster.withNamespace("lease") { client, namespace in
                let leaseSeconds = 4
                let retryMillis = 400
                let first = try ChildProcess(
                    probe,
                    arguments: [
                        Cluster.kubeconfig!, namespace, "relay-operator", "first", "\(leaseSeconds)", "\(retryMillis)",
                    ])
                defer { first.stop() }
                #expect(await first.waitForLine("LEADING first", timeout: .seconds(20)))
                let second = try ChildProcess(
                    probe,
                    arguments: [
                        Cluster.kubeconfig!, namespace, "relay-operator", "second", "\(leaseSeconds)", "\(retryMillis)",
                    ])
                defer { second.stop() }
                try await Task.sleep(for: .seconds(2))
                #expect(!second.output.contains("LEADING second"), "two leaders at once")

                let clock = ContinuousClock()
                let killed = clock.now
                first.signal(SIGKILL)
                #expect(await second.waitForLine("LEADING second", timeout: .seconds(20)))
                let takeover = clock.now - killed
                print(
                    "KubeTests: lease takeover after SIGKILL took \(takeover) "
                        + "(lease \(leaseSeconds) s, retry \(retryMillis) ms)"
                )
                #expect(takeover <= .seconds(leaseSeconds) + .milliseconds(2 * retryMillis) + .milliseconds(500))

                let lease = try await client.get(Lease.self, name: "relay-operator", namespace: namespace)
                #expect(lease.spec?.holderIdentity == "second")
                #expect(lease.spec?.leaseTransitions == 1)
                let holder = try Cluster.kubectl([
                    "get", "lease", "relay-operator", "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}",
                ])
                #expect(holder == "second")

                // SIGTERM: graceful shutdown releases the lease.
                second.signal(SIGTERM)
                #expect(await second.waitForLine("STOPPED second", timeout: .seconds(10)))
                let released = try await client.get(Lease.self, name: "relay-operator", namespace: namespace)
                #expect(released.spec?.holderIdentity == nil)
            }
        }

        @Test func eventsAreRecordedAndRepeatsAggregated() async throws {
            try await Cluster.withNamespace("events") { client, namespace in
                let map = try await client.create(
                    ConfigMap(metadata: ObjectMeta(name: "subject", namespace: namespace)))
                let recorder = EventRecorder(
                    client: client, reportingController: "peerrelay.dev/test", reportingInstance: "test-1")
                let first = try #require(
                    await recorder.record(map, reason: "Synced", action: "Reconcile", note: "all good"))
                #expect(first.series == nil)
                let second = try #require(
                    await recorder.record(map, reason: "Synced", action: "Reconcile", note: "all good"))
                #expect(second.name == first.name)
                #expect(second.series?.count == 2)
                _ = await recorder.record(map, reason: "Synced", action: "Reconcile", note: "all good")
                _ = await recorder.record(
                    map, type: "Warning", reason: "Failed", action: "Reconcile", note: "bad thing")

                let events = try await client.list(Event.self, namespace: namespace)
                #expect(events.items.count == 2)
                let synced = try #require(events.items.first { $0.reason == "Synced" })
                #expect(synced.series?.count == 3)
                #expect(synced.regarding?.uid == map.metadata.uid)
                #expect(synced.reportingController == "peerrelay.dev/test")

                // kubectl reads the same objects through core/v1.
                let kubectlView = try Cluster.kubectl(["get", "events", "-n", namespace, "-o", "json"])
                let list = try JSONValue.parse(json: Array(kubectlView.utf8))
                let warning = list["items"]?.arrayValue?.first { $0["reason"] == "Failed" }
                #expect(warning?["type"] == "Warning")
                #expect(warning?["message"] == "bad thing")
                #expect(warning?[path: ["involvedObject", "name"]] == "subject")
            }
        }

        @Test func controllerReconcilesOwnedObjectsAndRunsFinalizers() async throws {
            try await Cluster.withNamespace("ctl") { client, namespace in
                final class Log: Sendable { let cleaned = Mutex<[String]>([]) }
                let log = Log()
                let finalizer = "kubetest.peerrelay.dev/cleanup"
                let controller = Controller<ConfigMap>(
                    client: client, name: "test", namespace: namespace, labelSelector: "kubetest=ctl")
                let secrets = controller.owns(Secret.self, namespace: namespace)
                let reconcile: Controller<ConfigMap>.Reconcile = { key, controller in
                    guard let map = controller.store.get(key) else { return .done }
                    return try await Finalizers.reconcile(map, finalizer: finalizer, client: controller.client) { map in
                        var secret = Secret(
                            metadata: ObjectMeta(name: "\(map.name)-child", namespace: map.metadata.namespace),
                            type: "Opaque")
                        secret.metadata.ownerReferences = [map.ownerReference()]
                        secret.stringData = ["from": map.data?["value"] ?? ""]
                        _ = try await controller.client.apply(secret, fieldManager: "kubetest-controller", force: true)
                        return .done
                    } cleanup: { map in
                        log.cleaned.withLock { $0.append(map.name) }
                    }
                }
                let task = Task { try await controller.run(reconcile) }
                defer { task.cancel() }

                _ = try await client.create(
                    ConfigMap(
                        metadata: ObjectMeta(name: "parent", namespace: namespace, labels: ["kubetest": "ctl"]),
                        data: ["value": "v1"]))
                func waitUntil(_ condition: () async throws -> Bool) async throws -> Bool {
                    for _ in 0..<200 {
                        if try await condition() { return true }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return false
                }
                #expect(
                    try await waitUntil {
                        try await client.getIfExists(Secret.self, name: "parent-child", namespace: namespace) != nil
                    })
                let parent = try await client.get(ConfigMap.self, name: "parent", namespace: namespace)
                #expect(parent.metadata.finalizers == [finalizer])

                // Deleting the owned Secret maps back to the owner, which recreates it.
                try await client.delete(Secret.self, name: "parent-child", namespace: namespace)
                #expect(
                    try await waitUntil {
                        let secret = try await client.getIfExists(
                            Secret.self, name: "parent-child", namespace: namespace)
                        return secret != nil && secret?.metadata.uid != nil
                            && secrets.get(name: "parent-child", namespace: namespace) != nil
                    })

                // Deleting the owner runs cleanup, removes the finalizer, and the object goes away.
                try await client.delete(ConfigMap.self, name: "parent", namespace: namespace)
                #expect(
                    try await waitUntil {
                        try await client.getIfExists(ConfigMap.self, name: "parent", namespace: namespace) == nil
                    })
                #expect(log.cleaned.withLock { $0 } == ["parent"])
                #expect(controller.reconcileCount >= 3)
            }
        }
    }
}
