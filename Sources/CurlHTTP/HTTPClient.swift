import Synchronization

/// A small HTTP client on libcurl.
///
/// Each in-flight request owns one libcurl easy handle and runs `curl_easy_perform` on its own
/// thread, off Swift's cooperative pool. Finished handles go back to a pool and keep their
/// connections, so sequential requests to the same server reuse the connection (and TLS session).
public final class HTTPClient: Sendable {
    /// The settings every request of this client uses.
    public let configuration: HTTPClientConfiguration
    private let pool: CurlHandlePool

    /// Creates a client; connections are pooled per client (up to `maxIdleConnections`).
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
        pool = CurlHandlePool(maxIdle: configuration.maxIdleConnections)
    }

    /// Sends a request and returns the whole response. HTTP error statuses are returned, not thrown.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let handle = pool.take() else {
            throw HTTPClientError.transport(url: request.url, code: 0, detail: "curl_easy_init failed (out of memory?)")
        }
        let transfer = CurlTransfer(handle: handle, request: request, configuration: configuration, channel: nil)
        let pool = self.pool
        let result: Result<HTTPResponse, HTTPClientError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let started = BlockingThread.start {
                    let result = transfer.perform()
                    pool.put(handle)
                    continuation.resume(returning: result)
                }
                if !started {
                    continuation.resume(
                        returning: .failure(.transport(url: request.url, code: 0, detail: "cannot start a thread")))
                }
            }
        } onCancel: {
            transfer.abort()
        }
        return try result.get()
    }

    /// Sends a request and returns as soon as the response head arrives; the body streams through
    /// `HTTPStreamingResponse.body`. There is no total timeout unless the request sets one.
    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        guard let handle = pool.take() else {
            throw HTTPClientError.transport(url: request.url, code: 0, detail: "curl_easy_init failed (out of memory?)")
        }
        let channel = ChunkChannel(capacity: configuration.streamBufferChunks)
        let transfer = CurlTransfer(handle: handle, request: request, configuration: configuration, channel: channel)
        let pool = self.pool
        let head: Result<CurlTransfer.Head, HTTPClientError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.onHead = { head in continuation.resume(returning: .success(head)) }
                let started = BlockingThread.start {
                    let result = transfer.perform()
                    pool.put(handle)
                    switch result {
                    case .success:
                        transfer.deliverHeadIfNeeded()
                        channel.finish(nil)
                    case .failure(let error):
                        if transfer.headWasDelivered {
                            channel.finish(error)
                        } else {
                            transfer.onHead = nil
                            channel.finish(error)
                            continuation.resume(returning: .failure(error))
                        }
                    }
                }
                if !started {
                    continuation.resume(
                        returning: .failure(.transport(url: request.url, code: 0, detail: "cannot start a thread")))
                }
            }
        } onCancel: {
            transfer.abort()
            channel.cancel()
        }
        let (status, headers, version) = try head.get()
        return HTTPStreamingResponse(
            status: status, headers: headers, httpVersion: version, body: HTTPBodyStream(channel: channel))
    }
}
