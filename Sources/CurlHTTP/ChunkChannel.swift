import Dispatch
import Synchronization

/// A bounded hand-off of body chunks from a blocking transfer thread to an async reader.
/// The producer blocks (on its own thread) while `capacity` chunks are unread.
final class ChunkChannel: Sendable {
    private struct State {
        var buffer: [[UInt8]] = []
        var head = 0
        var finished = false
        var failure: HTTPClientError?
        var cancelled = false
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
    }

    private let state = Mutex(State())
    private let space: DispatchSemaphore

    init(capacity: Int) {
        // Start at 0 and signal up to the capacity: libdispatch traps when a semaphore is released while its value
        // is below the value it was created with, which happens when a reader abandons a stream with chunks unread.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, capacity) { space.signal() }
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Producer side. Returns false when the reader is gone and the transfer should stop.
    func push(_ chunk: [UInt8]) -> Bool {
        while space.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if isCancelled { return false }
        }
        // We hold one permit now: a buffered chunk keeps it until read; otherwise give it back.
        enum Outcome {
            case handedOver(CheckedContinuation<[UInt8]?, any Error>)
            case buffered
            case cancelled
        }
        let outcome: Outcome = state.withLock { state in
            if state.cancelled { return .cancelled }
            if let waiter = state.waiter {
                state.waiter = nil
                return .handedOver(waiter)
            }
            state.buffer.append(chunk)
            return .buffered
        }
        switch outcome {
        case .handedOver(let waiter):
            space.signal()
            waiter.resume(returning: chunk)
            return true
        case .buffered:
            return true
        case .cancelled:
            space.signal()
            return false
        }
    }

    /// Producer side: the transfer ended, cleanly (`nil`) or with an error.
    func finish(_ failure: HTTPClientError?) {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { state in
            state.finished = true
            state.failure = failure
            defer { state.waiter = nil }
            return state.waiter
        }
        if let waiter {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume(returning: nil) }
        }
    }

    /// Reader side: stop the transfer and fail a pending `next()`.
    func cancel() {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { state in
            state.cancelled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: HTTPClientError.cancelled)
    }

    /// Reader side: the next chunk, or nil at the clean end of the body.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                enum Outcome {
                    case chunk([UInt8])
                    case end
                    case failed(any Error)
                    case wait
                }
                let outcome: Outcome = state.withLock { state in
                    if state.head < state.buffer.count {
                        let chunk = state.buffer[state.head]
                        state.head += 1
                        if state.head == state.buffer.count {
                            state.buffer.removeAll(keepingCapacity: true)
                            state.head = 0
                        }
                        return .chunk(chunk)
                    }
                    if state.cancelled { return .failed(HTTPClientError.cancelled) }
                    if state.finished {
                        if let failure = state.failure { return .failed(failure) }
                        return .end
                    }
                    state.waiter = continuation
                    return .wait
                }
                switch outcome {
                case .chunk(let chunk):
                    space.signal()
                    continuation.resume(returning: chunk)
                case .end: continuation.resume(returning: nil)
                case .failed(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            cancel()
        }
    }
}

/// Body chunks of a streaming response. Iterate once. Releasing the stream aborts the transfer.
public struct HTTPBodyStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    final class Owner: Sendable {
        let channel: ChunkChannel
        init(_ channel: ChunkChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }

    let owner: Owner

    init(channel: ChunkChannel) { owner = Owner(channel) }

    /// Stops the transfer now.
    public func cancel() { owner.channel.cancel() }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let owner: Owner
        public mutating func next() async throws -> [UInt8]? { try await owner.channel.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(owner: owner) }

    /// Reads the whole remaining body (bounded by `limit` bytes).
    public func collect(upTo limit: Int = 64 << 20) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in self {
            all += chunk
            if all.count > limit {
                throw HTTPClientError.transport(url: "", code: 0, detail: "body larger than \(limit) bytes")
            }
        }
        return all
    }
}
