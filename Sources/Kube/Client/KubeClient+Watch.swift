import CoreMetrics
import CurlHTTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension KubeClient {
    /// Opens a watch. The stream ends cleanly when the server closes it (timeoutSeconds); an in-band
    /// ERROR event is thrown as its `KubeError` (410 → `.gone`).
    public func watch<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String?, options: WatchOptions = WatchOptions()
    ) async throws(KubeError) -> WatchStream<T> {
        let request = KubeRequest.watch(resource, namespace: resource.namespaced ? namespace : nil, options: options)
        var refreshed = false
        while true {
            let credential = try await credentials.current()
            let timeout = options.timeoutSeconds.map { Duration.seconds($0 + 60) }
            let http = httpRequest(request, credential: credential, timeout: timeout)
            let response: HTTPStreamingResponse
            do {
                requests.increment()
                response = try await connection.transport(for: credential).stream(http)
            } catch let error as HTTPClientError {
                throw .transport(error)
            } catch {
                throw .transport(.transport(url: request.path, code: 0, detail: "\(error)"))
            }
            if response.status == 200 { return WatchStream(body: response.body) }
            let body = (try? await response.body.collect(upTo: 1 << 20)) ?? []
            if response.status == 401, !refreshed, configuration.auth != .none {
                refreshed = true
                _ = try await credentials.current(forceRefresh: true)
                continue
            }
            throw KubeError.from(
                code: response.status, body: body, retryAfter: KubeClient.retryAfter(response.headers["Retry-After"]))
        }
    }

    /// Opens a watch of `T` objects in `namespace` (nil: all namespaces).
    public func watch<T: KubeObject>(_ type: T.Type, namespace: String?, options: WatchOptions = WatchOptions())
        async throws(KubeError) -> WatchStream<T>
    {
        try await watch(T.self, resource: T.resource, namespace: namespace, options: options)
    }
}

/// The events of one watch connection, decoded from the NDJSON body across arbitrary chunk boundaries.
public struct WatchStream<Object: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>
    let body: HTTPBodyStream

    /// Closes the connection.
    public func cancel() { body.cancel() }

    public func makeAsyncIterator() -> Iterator { Iterator(body: body.makeAsyncIterator()) }

    /// Reads events one at a time.
    public struct Iterator: AsyncIteratorProtocol {
        var body: HTTPBodyStream.AsyncIterator
        var framer = NDJSONFramer()
        var pending: [[UInt8]] = []
        var pendingIndex = 0
        var finished = false
        let decoder = JSONDecoder()

        public mutating func next() async throws -> WatchEvent<Object>? {
            while true {
                if pendingIndex < pending.count {
                    let line = pending[pendingIndex]
                    pendingIndex += 1
                    return try WatchEvent<Object>.decode(line: line, decoder: decoder)
                }
                if finished { return nil }
                pending = []
                pendingIndex = 0
                let chunk: [UInt8]?
                do {
                    chunk = try await body.next()
                } catch let error as HTTPClientError {
                    throw KubeError.transport(error)
                }
                do {
                    if let chunk {
                        pending = try framer.append(chunk)
                    } else {
                        finished = true
                        if let last = try framer.finish() { pending = [last] }
                    }
                } catch {
                    throw KubeError.decoding(what: "watch stream", detail: error.description)
                }
            }
        }
    }
}
