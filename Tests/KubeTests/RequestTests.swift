import Kube
import Testing

@Suite struct RequestTests {
    @Test func pathsForCoreGroupsNamespacesAndSubresources() {
        #expect(KubeResource.configMaps.path(namespace: "ns", name: "a") == "/api/v1/namespaces/ns/configmaps/a")
        #expect(KubeResource.configMaps.path() == "/api/v1/configmaps")
        #expect(KubeResource.nodes.path(namespace: "ignored", name: "n1") == "/api/v1/nodes/n1")
        #expect(
            KubeResource.statefulSets.path(namespace: "x", name: "s", subresource: "status")
                == "/apis/apps/v1/namespaces/x/statefulsets/s/status")
        #expect(KubeResource.leases.apiVersion == "coordination.k8s.io/v1")
        #expect(
            KubeResource.configMaps.path(namespace: "ns", name: "a b/c") == "/api/v1/namespaces/ns/configmaps/a%20b%2Fc"
        )
    }

    @Test func listAndWatchQueries() {
        let list = KubeRequest.list(
            .pods, namespace: "ns",
            options: ListOptions(
                labelSelector: "app in (a,b),!x", fieldSelector: "metadata.name=p", limit: 5, continueToken: "t=="))
        #expect(
            list.url(server: "https://h:1")
                == "https://h:1/api/v1/namespaces/ns/pods?labelSelector=app%20in%20%28a%2Cb%29%2C%21x"
                + "&fieldSelector=metadata.name%3Dp&limit=5&continue=t%3D%3D"
        )
        let watch = KubeRequest.watch(
            .configMaps, namespace: nil, options: WatchOptions(resourceVersion: "42", timeoutSeconds: 300))
        #expect(
            watch.url(server: "")
                == "/api/v1/configmaps?watch=1&resourceVersion=42&allowWatchBookmarks=true&timeoutSeconds=300")
    }

    @Test func writeRequestsCarryContentTypes() throws {
        let apply = KubeRequest.apply(.configMaps, namespace: "n", name: "c", body: [], fieldManager: "op", force: true)
        #expect(apply.method == "PATCH")
        #expect(apply.contentType == "application/apply-patch+yaml")
        #expect(apply.url(server: "") == "/api/v1/namespaces/n/configmaps/c?fieldManager=op&force=true")
        let merge = KubeRequest.patch(.configMaps, namespace: "n", name: "c", patch: .merge(["data": ["k": nil]]))
        #expect(merge.contentType == "application/merge-patch+json")
        #expect(merge.body.map { String(decoding: $0, as: UTF8.self) } == #"{"data":{"k":null}}"#)
        let json = KubeRequest.patch(
            .configMaps, namespace: "n", name: "c",
            patch: .json([.remove("/data/\(JSONPatchOperation.escape("a/b~"))")]))
        #expect(json.contentType == "application/json-patch+json")
        #expect(json.body.map { String(decoding: $0, as: UTF8.self) } == #"[{"op":"remove","path":"/data/a~1b~0"}]"#)
        let delete = KubeRequest.delete(
            .configMaps, namespace: "n", name: "c",
            options: DeleteOptions(propagationPolicy: "Foreground", preconditions: .init(resourceVersion: "7")))
        let body = try JSONValue.parse(json: delete.body ?? [])
        #expect(body["propagationPolicy"] == "Foreground")
        #expect(body[path: ["preconditions", "resourceVersion"]] == "7")
        #expect(body["kind"] == "DeleteOptions")
    }

    @Test func errorsAreTypedFromStatusBodies() {
        let conflict = KubeError.from(
            code: 409,
            body: Array(
                (#"{"kind":"Status","apiVersion":"v1","status":"Failure","#
                    + #""message":"Operation cannot be fulfilled on configmaps \"x\": the object has been modified","#
                    + #""reason":"Conflict","code":409}"#).utf8),
            retryAfter: nil)
        #expect(conflict.isConflict)
        let exists = KubeError.from(
            code: 409, body: Array(#"{"kind":"Status","message":"exists","reason":"AlreadyExists","code":409}"#.utf8),
            retryAfter: nil)
        #expect(exists.isAlreadyExists)
        let invalid = KubeError.from(
            code: 422,
            body: Array(
                (#"{"kind":"Status","message":"ConfigMap \"x\" is invalid","reason":"Invalid","#
                    + #""details":{"causes":[{"reason":"FieldValueInvalid","message":"bad key","field":"data.k k"}]},"#
                    + #""code":422}"#).utf8),
            retryAfter: nil)
        guard case .invalid(let status) = invalid else { Issue.record("expected invalid"); return }
        #expect(status.causes.first?.field == "data.k k")
        #expect(invalid.description.contains("data.k k: bad key"))
        let throttled = KubeError.from(
            code: 429, body: Array("Too many requests, please try again later.\n".utf8), retryAfter: .seconds(3))
        guard case .tooManyRequests(let plain, let after) = throttled else { Issue.record("expected 429"); return }
        #expect(after == .seconds(3))
        #expect(plain.message == "Too many requests, please try again later.")
        let expired = KubeError.from(
            status: KubeStatus(
                status: "Failure", message: "too old resource version: 1 (5)", reason: "Expired", code: 410))
        #expect(expired.isGone)
        #expect(KubeError.from(code: 503, body: [], retryAfter: nil).code == 503)
    }

    @Test func kubeTimeRoundTrips() throws {
        let time = try #require(RFC3339Time(rfc3339: "2024-02-29T23:59:58Z"))
        #expect(time.description == "2024-02-29T23:59:58Z")
        #expect(time.seconds == 1_709_251_198)
        let micro = try #require(RFC3339Time(rfc3339: "2026-11-25T08:00:00.123456Z"))
        #expect(micro.precision == .microseconds)
        #expect(micro.description == "2026-11-25T08:00:00.123456Z")
        let offset = try #require(RFC3339Time(rfc3339: "2026-11-25T10:00:00+02:00"))
        #expect(offset.description == "2026-11-25T08:00:00Z")
        #expect(RFC3339Time(rfc3339: "2026-11-25 08:00:00") == nil)
    }

    @Test func manifestsDecodeIntoTypedAndUnstructuredObjects() throws {
        let text = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: relay, namespace: r}
            spec:
              replicas: 2
              selector: {matchLabels: {app: relay}}
              template:
                metadata: {labels: {app: relay}}
                spec:
                  containers:
                  - name: relay
                    image: ghcr.io/peerrelay/relay-server:dev
                    ports: [{name: wg, containerPort: 3478, protocol: UDP}]
                    env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                    readinessProbe: {httpGet: {path: /readyz, port: admin}}
                    securityContext: {runAsNonRoot: true, capabilities: {drop: [ALL]}}
                    resources: {limits: {cpu: 500m, memory: 64Mi}, requests: {cpu: 1}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: relay-0}
            spec:
              {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 3478, protocol: UDP, targetPort: wg}]}
            """
        let documents = try YAMLDecoder().decodeAll(UnstructuredObject.self, from: text)
        #expect(documents.map(\.kind) == ["StatefulSet", "Service"])
        let statefulSet = try YAMLDecoder().decode(StatefulSet.self, from: try YAMLParser.parseDocuments(text)[0])
        let container = try #require(statefulSet.spec?.template.spec?.containers.first)
        #expect(container.ports?.first?.protocol == "UDP")
        #expect(container.env?.first?.valueFrom?.fieldRef?.fieldPath == "metadata.name")
        #expect(container.readinessProbe?.httpGet?.port == .string("admin"))
        #expect(container.resources?.requests?["cpu"] == "1")
        let service = try YAMLDecoder().decode(Service.self, from: try YAMLParser.parseDocuments(text)[1])
        #expect(service.spec?.externalTrafficPolicy == "Local")
        #expect(service.spec?.ports?.first?.targetPort == .string("wg"))
    }
}
