import Synchronization

/// Wakes long-polling netmap requests when the netmap version moves past what they have.
///
/// Writers call ``publish(_:)`` after their transaction commits; a watcher also publishes versions written by
/// other processes (for example `tailnet-coordinator rotate-ca`). Waiting is cancellation-aware, so a client that
/// disconnects or times out leaves nothing behind.
public final class NetmapHub: Sendable {
    private struct State {
        var version: Int64
        var nextID: UInt64 = 0
        var waiters: [UInt64: (since: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var closed = false
    }

    private let state: Mutex<State>

    /// Creates a hub at `version`.
    public init(version: Int64) {
        state = Mutex(State(version: version))
    }

    /// The newest version published.
    public var version: Int64 {
        state.withLock { $0.version }
    }

    /// How many requests are waiting.
    public var waiterCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Records `version` and wakes every waiter that has an older one. Older versions are ignored.
    public func publish(_ version: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard version > state.version else { return [] }
            state.version = version
            let ready = state.waiters.filter { $0.value.since < version }
            for id in ready.keys { state.waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Wakes every waiter and makes later waits return at once (graceful shutdown: long polls answer 304).
    public func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the version is greater than `since`, or when the task is cancelled.
    public func waitForVersion(after since: Int64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.version > since || state.closed || Task.isCancelled { return true }
                    state.waiters[id] = (since, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id)?.continuation }
            continuation?.resume()
        }
    }

    /// Waits until the version is greater than `since` or `timeout` passes.
    /// - Returns: Whether the version moved past `since`.
    public func waitForVersion(after since: Int64, timeout: Duration) async -> Bool {
        if version > since { return true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForVersion(after: since) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return version > since
    }
}
