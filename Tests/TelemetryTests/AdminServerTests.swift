import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeerRelayTestSupport
import ServiceLifecycle
import Testing

@testable import Telemetry

@Suite struct AdminServerTests {
    struct Info: Codable, Sendable { var name: String; var count: Int }

    /// Runs a bound admin server for the duration of `body`, then shuts it down gracefully.
    func withServer(
        routes: [AdminRoute] = [],
        metrics: TelemetryMetrics = TelemetryMetrics(),
        readiness: @escaping @Sendable () -> Readiness = { .ready },
        beforeScrape: @escaping @Sendable () -> Void = {},
        _ body: @Sendable (AdminServer) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let server = try await AdminServer.bind(
            host: "127.0.0.1", port: 0, routes: routes, metrics: metrics, readiness: readiness,
            beforeScrape: beforeScrape, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { server.close() }
            try await body(server)
            server.close()
            try await group.waitForAll()
        }
    }

    @Test func servesHealthReadinessAndMetrics() async throws {
        let metrics = TelemetryMetrics()
        let counter = Counter(label: "widgets_total", dimensions: [("kind", "blue")], factory: metrics.factory)
        counter.increment(by: 3)
        let scrapes = ManagedCounter()
        try await withServer(metrics: metrics, beforeScrape: { scrapes.add() }) { server in
            #expect(server.port > 0)
            let health = try await HTTPGet.get(port: server.port, path: "/healthz")
            #expect(health.status == 200)
            #expect(health.body == "ok\n")
            let ready = try await HTTPGet.get(port: server.port, path: "/readyz")
            #expect(ready.status == 200)
            let scraped = try await HTTPGet.get(port: server.port, path: "/metrics")
            #expect(scraped.status == 200)
            #expect(scraped.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(scraped.body.contains("widgets_total{kind=\"blue\"} 3"))
            #expect(scrapes.value == 1)
            let missing = try await HTTPGet.get(port: server.port, path: "/nope")
            #expect(missing.status == 404)
        }
    }

    @Test func notReadyAnswers503WithTheReason() async throws {
        try await withServer(readiness: { .notReady("sockets not bound yet") }) { server in
            let ready = try await HTTPGet.get(port: server.port, path: "/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("sockets not bound yet"))
        }
    }

    @Test func jsonRoutesSeeTheQuery() async throws {
        let route = AdminRoute.json("/debug/info") { request in
            Info(name: request.query["name"] ?? "none", count: 2)
        }
        try await withServer(routes: [route]) { server in
            let response = try await HTTPGet.get(port: server.port, path: "/debug/info?name=relay+one")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.body.contains("\"name\" : \"relay one\""))
            #expect(response.body.contains("\"count\" : 2"))
        }
    }

    @Test func busyPortIsAClearError() async throws {
        try await withServer { server in
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            do {
                let second = try await AdminServer.bind(
                    host: "127.0.0.1", port: server.port, metrics: TelemetryMetrics(), logger: logger)
                second.close()
                Issue.record("binding a busy port succeeded")
            } catch let error as AdminServerError {
                #expect(error.description.contains("127.0.0.1:\(server.port)"))
                #expect(error.description.contains("--admin-port"))
            }
        }
    }

    @Test func gracefulShutdownStopsTheServer() async throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let server = try await AdminServer.bind(
            host: "127.0.0.1", port: 0, metrics: TelemetryMetrics(), logger: logger)
        let port = server.port
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let health = try await HTTPGet.get(port: port, path: "/healthz")
            #expect(health.status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await #expect(throws: HTTPGet.Failure.self) { try await HTTPGet.get(port: port, path: "/healthz") }
    }
}

/// A thread-safe counter for callbacks.
final class ManagedCounter: Sendable {
    private let storage = NIOLockedValueBox(0)
    func add() { storage.withLockedValue { $0 += 1 } }
    var value: Int { storage.withLockedValue { $0 } }
}
