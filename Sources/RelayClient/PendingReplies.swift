import NIOConcurrencyHelpers
import NIOCore

/// Requests waiting for a reply, keyed by what the reply will carry. Each waiter is resumed exactly once: by the
/// matching reply, by its timeout, or when the client closes.
final class PendingReplies<Key: Hashable & Sendable, Reply: Sendable>: Sendable {
    enum Outcome: Sendable {
        case reply(Reply)
        case timedOut
        case closed
        case sendFailed(RelayClientError)
    }

    private struct Waiter {
        var continuation: CheckedContinuation<Outcome, Never>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var waiters: [Key: Waiter] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Registers a waiter for `key`, calls `send` (which must not block), and waits for the outcome.
    /// A second waiter for the same key replaces nothing: it is answered `.closed` at once (keys must be unique).
    func wait(
        for key: Key, timeout: TimeAmount, on eventLoop: any EventLoop,
        send: @escaping @Sendable (_ failed: @escaping @Sendable (RelayClientError) -> Void) -> Void
    ) async -> Outcome {
        await withCheckedContinuation { continuation in
            let registered = state.withLockedValue { state -> Bool in
                guard !state.closed, state.waiters[key] == nil else { return false }
                state.waiters[key] = Waiter(continuation: continuation, timeout: nil)
                return true
            }
            guard registered else {
                continuation.resume(returning: .closed)
                return
            }
            let scheduled = eventLoop.scheduleTask(in: timeout) { [weak self] in
                _ = self?.resolve(key, with: .timedOut)
            }
            let stillWaiting = state.withLockedValue { state -> Bool in
                guard state.waiters[key] != nil else { return false }
                state.waiters[key]!.timeout = scheduled
                return true
            }
            if !stillWaiting { scheduled.cancel() }
            send { [weak self] error in self?.resolve(key, with: .sendFailed(error)) }
        }
    }

    /// Delivers a reply; returns false when nobody waits for `key` (a late or unsolicited reply).
    @discardableResult
    func deliver(_ reply: Reply, for key: Key) -> Bool {
        resolve(key, with: .reply(reply))
    }

    /// Answers every waiter `.closed` and refuses new ones.
    func closeAll() {
        let waiters = state.withLockedValue { state -> [Waiter] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: .closed)
        }
    }

    @discardableResult
    private func resolve(_ key: Key, with outcome: Outcome) -> Bool {
        guard let waiter = state.withLockedValue({ $0.waiters.removeValue(forKey: key) }) else { return false }
        waiter.timeout?.cancel()
        waiter.continuation.resume(returning: outcome)
        return true
    }
}
