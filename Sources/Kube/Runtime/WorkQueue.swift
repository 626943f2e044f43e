import Synchronization

/// A controller work queue: keys are de-duplicated, a key is handed to at most one worker at a time
/// (re-adds during processing are queued for after `done`), failed keys come back after a per-key
/// exponential backoff, and a global token bucket limits the overall retry rate.
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    /// Per-key backoff and the overall retry rate.
    public struct RateLimit: Sendable {
        /// First retry delay of a key.
        public var baseDelay: Duration
        /// Longest retry delay of a key.
        public var maxDelay: Duration
        /// Sustained retries per second across all keys, and the burst allowed.
        public var ratePerSecond: Double
        /// Retries allowed at once across all keys.
        public var burst: Int

        /// Backoff from `baseDelay` doubling to `maxDelay`; `ratePerSecond` retries overall with `burst`.
        public init(
            baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(300), ratePerSecond: Double = 10,
            burst: Int = 100
        ) {
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.ratePerSecond = ratePerSecond
            self.burst = burst
        }
    }

    struct State {
        var ready: [Key] = []
        var readyHead = 0
        var queued: Set<Key> = []
        var processing: Set<Key> = []
        var dirty: Set<Key> = []
        var delayed: [Key: ContinuousClock.Instant] = [:]
        var failures: [Key: Int] = [:]
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var shutDown = false
        var tokens: Double
        var lastRefill: ContinuousClock.Instant
    }

    private let state: Mutex<State>
    private let clock = ContinuousClock()
    /// Per-key backoff and the overall retry rate.
    public let rateLimit: RateLimit

    /// An empty queue.
    public init(rateLimit: RateLimit = RateLimit()) {
        self.rateLimit = rateLimit
        state = Mutex(State(tokens: Double(rateLimit.burst), lastRefill: ContinuousClock().now))
    }

    /// Queues a key now (no-op if already queued; deferred until `done` if being processed).
    public func add(_ key: Key) {
        let wake = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.shutDown else { return [] }
            state.delayed[key] = nil
            return Self.enqueue(key, &state)
        }
        for waiter in wake { waiter.resume() }
    }

    /// Queues a key after a delay (the earliest pending time wins).
    public func add(_ key: Key, after delay: Duration) {
        guard delay > .zero else { return add(key) }
        let due = clock.now + delay
        let wake = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.shutDown, !state.queued.contains(key) else { return [] }
            if let existing = state.delayed[key], existing <= due { return [] }
            state.delayed[key] = due
            return Self.takeWaiters(&state)
        }
        for waiter in wake { waiter.resume() }
    }

    /// Queues a key after its backoff: max(per-key exponential, global token bucket).
    public func addRateLimited(_ key: Key) {
        add(key, after: nextDelay(for: key))
    }

    /// The delay `addRateLimited` would use now (and counts the failure).
    func nextDelay(for key: Key) -> Duration {
        state.withLock { state in
            let failures = state.failures[key, default: 0]
            state.failures[key] = failures + 1
            let perKey = Backoff.exponential(attempt: failures + 1, base: rateLimit.baseDelay, cap: rateLimit.maxDelay)
            let now = clock.now
            let elapsed = now - state.lastRefill
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            state.tokens = min(Double(rateLimit.burst), state.tokens + seconds * rateLimit.ratePerSecond)
            state.lastRefill = now
            state.tokens -= 1
            let bucket: Duration = state.tokens >= 0 ? .zero : .seconds(-state.tokens / rateLimit.ratePerSecond)
            return max(perKey, bucket)
        }
    }

    /// Clears a key's failure count (call after a successful reconcile).
    public func forget(_ key: Key) { state.withLock { _ = $0.failures.removeValue(forKey: key) } }

    /// How many times in a row `key` failed (its backoff step).
    public func failures(of key: Key) -> Int { state.withLock { $0.failures[key, default: 0] } }

    /// Marks a key processed; if it was re-added meanwhile it is queued again.
    public func done(_ key: Key) {
        let wake = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.processing.remove(key)
            guard state.dirty.remove(key) != nil, !state.shutDown else { return [] }
            return Self.enqueue(key, &state)
        }
        for waiter in wake { waiter.resume() }
    }

    /// Stops the queue: `next()` returns nil from now on.
    public func shutDown() {
        let wake = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.shutDown = true
            return Self.takeWaiters(&state)
        }
        for waiter in wake { waiter.resume() }
    }

    /// Keys ready to process now.
    public var count: Int { state.withLock { $0.queued.count } }
    /// Keys waiting for their retry delay.
    public var pendingDelayed: Int { state.withLock { $0.delayed.count } }

    /// Waits for the next key to process; nil after shutdown or when the task is cancelled.
    /// Call `done(key)` when finished with it.
    public func next() async -> Key? {
        while true {
            if Task.isCancelled { return nil }
            let now = clock.now
            // Promoting a delayed key wakes other waiting workers: resume them after the lock, or they wait forever.
            var woken: [CheckedContinuation<Void, Never>] = []
            let step: Step = state.withLock { state in
                if state.shutDown { return .stop }
                for (key, due) in state.delayed where due <= now {
                    state.delayed[key] = nil
                    woken += Self.enqueue(key, &state)
                }
                if state.readyHead < state.ready.count {
                    let key = state.ready[state.readyHead]
                    state.readyHead += 1
                    if state.readyHead > 1024, state.readyHead * 2 > state.ready.count {
                        state.ready.removeFirst(state.readyHead)
                        state.readyHead = 0
                    }
                    state.queued.remove(key)
                    state.processing.insert(key)
                    return .key(key)
                }
                return .wait(state.delayed.values.min())
            }
            for waiter in woken { waiter.resume() }
            switch step {
            case .key(let key): return key
            case .stop: return nil
            case .wait(let due): await wait(until: due)
            }
        }
    }

    enum Step {
        case key(Key)
        case stop
        case wait(ContinuousClock.Instant?)
    }

    private func wait(until due: ContinuousClock.Instant?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            if let due { group.addTask { try? await Task.sleep(until: due, clock: ContinuousClock()) } }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.shutDown || Task.isCancelled || state.readyHead < state.ready.count { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    private static func enqueue(_ key: Key, _ state: inout State) -> [CheckedContinuation<Void, Never>] {
        if state.processing.contains(key) {
            state.dirty.insert(key)
            return []
        }
        guard state.queued.insert(key).inserted else { return [] }
        state.ready.append(key)
        return takeWaiters(&state)
    }

    private static func takeWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let waiters = Array(state.waiters.values)
        state.waiters.removeAll()
        return waiters
    }
}
