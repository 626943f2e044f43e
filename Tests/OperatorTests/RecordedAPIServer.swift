import CurlHTTP
import Foundation
import Kube
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One HTTP exchange with kube-apiserver, as recorded.
struct RecordedExchange: Codable, Sendable, Equatable {
    var method: String
    /// The URL path (no server, no query).
    var path: String
    /// The query string as sent (percent-encoded), or nil.
    var query: String?
    /// The request's Content-Type (the patch flavour), or nil.
    var contentType: String?
    /// The request's JSON body, or nil.
    var request: JSONValue?
    var status: Int
    /// The response's JSON body.
    var response: JSONValue

    /// "METHOD path?query", for messages.
    var line: String { "\(method) \(path)\(query.map { "?\($0)" } ?? "")" }
}

/// The exchanges of one scenario, in order.
struct Recording: Codable, Sendable {
    var recordedFrom: String
    var exchanges: [RecordedExchange]

    /// Where a scenario's recording is kept (Tests/OperatorTests/Recordings/<name>.json).
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recordings/\(name).json")
    }

    static func load(_ name: String) throws -> Recording {
        try JSONDecoder().decode(Recording.self, from: Data(contentsOf: url(name)))
    }

    func save(_ name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: Self.url(name))
    }

    /// Splits a request URL into the exchange's path and query.
    static func exchange(_ request: HTTPRequest, status: Int, response: [UInt8]) -> RecordedExchange {
        var rest = Substring(request.url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        let target = rest[pathStart...]
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return RecordedExchange(
            method: request.method, path: String(parts.first ?? ""), query: parts.count > 1 ? String(parts[1]) : nil,
            contentType: request.headers["Content-Type"],
            request: request.body.flatMap { try? JSONValue.parse(json: $0) }, status: status,
            response: (try? JSONValue.parse(json: response)) ?? .string(String(decoding: response, as: UTF8.self)))
    }
}

/// A TEST DOUBLE of kube-apiserver, built on recorded real responses: it replays, in order, the exchanges
/// that ``RecordingTransport`` captured from a real v1.20 kube-apiserver (`hack/cluster up`) while the same
/// scenario ran against it. Each request must be the next recorded one (method, path, query and JSON body)
/// and gets the recorded status and body; anything else is answered 501 and kept in ``mismatches``. It serves
/// no watches (none were recorded). Re-record with `PEERRELAY_RECORD=1` (see RecordedReconcileTests).
final class RecordedAPIServer: KubeTransport {
    private let state: Mutex<(exchanges: [RecordedExchange], next: Int, sent: [RecordedExchange], mismatches: [String])>

    init(_ recording: Recording) {
        state = Mutex((recording.exchanges, 0, [], []))
    }

    /// The requests received so far, with the answers given.
    var sent: [RecordedExchange] { state.withLock { $0.sent } }
    /// Requests that were not the next recorded one.
    var mismatches: [String] { state.withLock { $0.mismatches } }
    /// Recorded exchanges not yet requested.
    var unplayed: [String] { state.withLock { $0.exchanges[$0.next...].map(\.line) } }

    /// A request body as compared with the recording: curl's connect errors carry their timing ("after 3 ms"),
    /// which no recording can repeat, so that number is left out.
    static func comparable(_ body: JSONValue?) -> String? {
        body.map { $0.jsonString().replacing(try! Regex(#"after [0-9]+ ms"#), with: "after N ms") }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let incoming = Recording.exchange(request, status: 0, response: [])
        let answer: RecordedExchange? = state.withLock { state in
            guard state.next < state.exchanges.count else {
                state.mismatches.append("\(incoming.line): the recording has no more exchanges")
                return nil
            }
            let expected = state.exchanges[state.next]
            guard expected.method == incoming.method, expected.path == incoming.path, expected.query == incoming.query,
                expected.contentType == incoming.contentType,
                Self.comparable(expected.request) == Self.comparable(incoming.request)
            else {
                state.mismatches.append(
                    "\(incoming.line) \(incoming.request?.jsonString() ?? "") was sent where the recording has "
                        + "\(expected.line) \(expected.request?.jsonString() ?? "")")
                return nil
            }
            state.next += 1
            state.sent.append(expected)
            return expected
        }
        guard let answer else {
            let status: JSONValue = [
                "kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 501,
                "message": .string("not in the recording: \(incoming.line)"),
            ]
            return HTTPResponse(status: 501, headers: HTTPHeaders(), body: status.jsonBytes())
        }
        return HTTPResponse(
            status: answer.status, headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: answer.response.jsonBytes())
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        throw HTTPClientError.transport(url: request.url, code: 0, detail: "the recorded apiserver serves no watches")
    }
}

/// Sends through a real HTTP client and keeps every exchange, to write a ``Recording``.
final class RecordingTransport: KubeTransport {
    let client: HTTPClient
    private let exchanges = Mutex<[RecordedExchange]>([])

    init(client: HTTPClient) { self.client = client }

    var recorded: [RecordedExchange] { exchanges.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await client.send(request)
        let exchange = Recording.exchange(request, status: response.status, response: response.body)
        exchanges.withLock { $0.append(exchange) }
        return response
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        throw HTTPClientError.transport(url: request.url, code: 0, detail: "watches are not recorded")
    }
}
