import CurlHTTP
import Kube
import Metrics
import MetricsTestKit
import Synchronization
import Testing

/// The client's transport seam, request counting and skipped applies, over a scripted transport: a test
/// double that answers each request with the next canned response (status and JSON body) and keeps what
/// it was sent. The client's behaviour against a real kube-apiserver is in the integration suites.
@Suite struct KubeTransportTests {
    final class ScriptedTransport: KubeTransport {
        private let state: Mutex<(answers: [(Int, String)], sent: [HTTPRequest])>

        init(_ answers: [(Int, String)]) { state = Mutex((answers, [])) }

        var sent: [HTTPRequest] { state.withLock { $0.sent } }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let (status, body) = state.withLock { state in
                state.sent.append(request)
                return state.answers.isEmpty ? (599, "{}") : state.answers.removeFirst()
            }
            return HTTPResponse(status: status, headers: HTTPHeaders(), body: Array(body.utf8))
        }

        func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
            throw HTTPClientError.transport(url: request.url, code: 0, detail: "no watches in this script")
        }
    }

    static let configMap =
        #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"n","#
        + #""resourceVersion":"7"},"data":{"k":"v"}}"#
    static let unavailable = #"{"kind":"Status","status":"Failure","reason":"ServiceUnavailable","code":503}"#

    func client(_ transport: ScriptedTransport, metrics: TestMetrics) -> KubeClient {
        KubeClient(
            configuration: KubeClientConfiguration(
                server: "https://apiserver.test", auth: .token("t0k"), maxRetryDelay: .milliseconds(1)),
            transport: transport, metrics: metrics)
    }

    @Test func requestsGoThroughTheTransportAndEveryAttemptIsCountedOnce() async throws {
        let transport = ScriptedTransport([(503, Self.unavailable), (200, Self.configMap), (200, Self.configMap)])
        let metrics = TestMetrics()
        let client = client(transport, metrics: metrics)
        let map = try await client.get(ConfigMap.self, name: "a", namespace: "n")
        #expect(map.data == ["k": "v"])
        #expect(transport.sent.count == 2)
        #expect(transport.sent.first?.url == "https://apiserver.test/api/v1/namespaces/n/configmaps/a")
        #expect(transport.sent.first?.headers["Authorization"] == "Bearer t0k")
        #expect(try metrics.expectCounter(KubeClient.defaultRequestsMetric).totalValue == 2)

        // A client counting under its own label shares the transport, not the counter.
        let reconciles = client.countingRequests(as: "reconcile_requests_total")
        _ = try await reconciles.getIfExists(ConfigMap.self, name: "a", namespace: "n")
        #expect(transport.sent.count == 3)
        #expect(try metrics.expectCounter("reconcile_requests_total").totalValue == 1)
        #expect(try metrics.expectCounter(KubeClient.defaultRequestsMetric).totalValue == 2)
    }

    @Test func applyBodiesAreStableAndUnchangedAppliesAreSkipped() async throws {
        let transport = ScriptedTransport([(200, Self.configMap), (200, Self.configMap)])
        let client = client(transport, metrics: TestMetrics())
        let applier = Applier(client: client, fieldManager: "tests")
        let labels = ["b": "2", "a": "1", "c/d": "3"]
        let intent = ConfigMap(metadata: ObjectMeta(name: "a", namespace: "n", labels: labels), data: ["k": "v"])
        #expect(try await applier.apply(intent, observedVersion: nil)?.metadata.resourceVersion == "7")
        let body = String(decoding: transport.sent.last?.body ?? [], as: UTF8.self)
        #expect(
            body == #"{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","#
                + #""metadata":{"labels":{"a":"1","b":"2","c/d":"3"},"name":"a","namespace":"n"}}"#)
        #expect(transport.sent.last?.headers["Content-Type"] == "application/apply-patch+yaml")
        #expect(
            transport.sent.last?.url
                == "https://apiserver.test/api/v1/namespaces/n/configmaps/a?fieldManager=tests&force=true")

        // Same intent, object unchanged since (resourceVersion 7): no request.
        #expect(try await applier.apply(intent, observedVersion: "7") == nil)
        #expect(transport.sent.count == 1)
        // Someone else changed the object: applied again.
        #expect(try await applier.apply(intent, observedVersion: "8") != nil)
        #expect(transport.sent.count == 2)
    }
}
