import CurlHTTP
import Foundation
import PeerRelayTestSupport
import Testing

struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String
    var clientPort: Int
}

@Suite("HTTPClient over loopback HTTP") struct HTTPClientTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient()
        let response = try await client.send(HTTPRequest(url: server.url("/echo?x=1")))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let echo = try JSONDecoder().decode(Echo.self, from: Data(response.body))
        #expect(echo.method == "GET")
        #expect(echo.path == "/echo?x=1")
        #expect(echo.headers["user-agent"] == "peerrelay")
    }

    @Test(arguments: ["POST", "PUT", "PATCH", "DELETE"])
    func methodsCarryTheirBody(method: String) async throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: HTTPClientConfiguration(bearerToken: "s3cret"))
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/merge-patch+json")
        let body = Array(#"{"data":{"k":"v"}}"#.utf8)
        let response = try await client.send(
            HTTPRequest(method: method, url: server.url("/echo"), headers: headers, body: body))
        let echo = try JSONDecoder().decode(Echo.self, from: Data(response.body))
        #expect(echo.method == method)
        #expect(echo.body == #"{"data":{"k":"v"}}"#)
        #expect(echo.headers["content-type"] == "application/merge-patch+json")
        #expect(echo.headers["authorization"] == "Bearer s3cret")
        #expect(echo.headers["expect"] == nil)
    }

    @Test func largeBodiesRoundTrip() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let payload = String(repeating: "abcdefgh", count: 200_000)
        let response = try await HTTPClient().send(
            HTTPRequest(method: "POST", url: server.url("/echo"), body: Array(payload.utf8)))
        let echo = try JSONDecoder().decode(Echo.self, from: Data(response.body))
        #expect(echo.body.count == payload.count)
    }

    @Test func errorStatusesAreResponsesNotErrors() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await HTTPClient().send(HTTPRequest(url: server.url("/status/429")))
        #expect(response.status == 429)
        #expect(response.headers["Retry-After"] == "1")
        #expect(response.headers.values(for: "x-multi") == ["a", "b"])
        #expect(response.bodyText == #"{"code":429}"#)
    }

    @Test func sequentialRequestsReuseTheConnection() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient()
        var ports: Set<Int> = []
        for _ in 0..<5 {
            let response = try await client.send(HTTPRequest(url: server.url("/echo")))
            ports.insert(try JSONDecoder().decode(Echo.self, from: Data(response.body)).clientPort)
        }
        #expect(ports.count == 1, "expected one kept-alive connection, saw client ports \(ports)")
    }

    @Test func concurrentRequestsAllComplete() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask { try await client.send(HTTPRequest(url: server.url("/echo?i=\(index)"))).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 16))
    }

    @Test func streamingDeliversEveryLineInOrder() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try await HTTPClient().stream(HTTPRequest(url: server.url("/stream?n=200&delay=1")))
        #expect(response.status == 200)
        let bytes = try await response.body.collect()
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 200)
        #expect(lines.first == #"{"n":0}"#)
        #expect(lines.last == #"{"n":199}"#)
    }

    @Test func streamHeadArrivesBeforeBodyEndsAndCancelStopsIt() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await HTTPClient().stream(HTTPRequest(url: server.url("/hang")))
        #expect(response.status == 200)
        var iterator = response.body.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == "first\n")
        response.body.cancel()
        await #expect(throws: HTTPClientError.cancelled) {
            while try await iterator.next() != nil {}
        }
        #expect(clock.now - start < .seconds(10))
    }

    @Test func cancellingTheTaskAbortsARequest() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient()
        let task = Task { try await client.send(HTTPRequest(url: server.url("/slow?ms=20000"))) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: HTTPClientError.cancelled) { try await task.value }
    }

    @Test func timeoutIsATypedError() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let request = HTTPRequest(url: server.url("/slow?ms=3000"), timeout: .milliseconds(300))
        do {
            _ = try await HTTPClient().send(request)
            Issue.record("expected a timeout")
        } catch let error as HTTPClientError {
            guard case .timedOut = error else { Issue.record("expected timedOut, got \(error)"); return }
            #expect(error.description.contains("timed out"))
        }
    }

    @Test func connectionRefusedIsATypedError() async throws {
        let port = try freePort(udp: false)
        do {
            _ = try await HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            Issue.record("expected connection refused")
        } catch let error as HTTPClientError {
            guard case .connectionRefused = error else {
                Issue.record("expected connectionRefused, got \(error)"); return
            }
            #expect(error.description.contains("check that the server is running"))
        }
    }

    @Test func malformedURLIsATypedError() async throws {
        await #expect(throws: HTTPClientError.self) {
            _ = try await HTTPClient().send(HTTPRequest(url: "htp:/nope"))
        }
    }
}
