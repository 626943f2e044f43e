import Fallback
import FallbackClient
import NIOConcurrencyHelpers
import NIOCore
import RelayCore
import Synchronization

/// The thread-safe face of one client connection: any event loop may queue frames for it; its own event loop
/// drains them. Queueing never waits for the client's socket (the queue drops its oldest data packet instead).
final class ClientHandle: Sendable {
    let connectionID: UInt64
    let channel: any Channel
    let transport: FallbackTransport
    let remote: String
    let stats = ClientStats()
    private let state: NIOLockedValueBox<State>
    private let handler: NIOLockedValueBox<NIOLoopBound<ConnectionHandler>?>

    private struct State {
        var queue: SendQueue<ByteBuffer>
        var drainScheduled = false
        var closed = false
    }

    init(
        connectionID: UInt64, channel: any Channel, transport: FallbackTransport,
        configuration: FallbackServerConfiguration
    ) {
        self.connectionID = connectionID
        self.channel = channel
        self.transport = transport
        self.remote = channel.remoteAddress.map { "\($0)" } ?? "unknown"
        self.state = NIOLockedValueBox(
            State(
                queue: SendQueue(
                    dataCapacity: configuration.dataQueueDepth, controlCapacity: configuration.controlQueueDepth)))
        self.handler = NIOLockedValueBox(nil)
    }

    /// Binds the handle to its connection handler (on the channel's event loop).
    func attach(_ connection: ConnectionHandler) {
        handler.withLockedValue { $0 = NIOLoopBound(connection, eventLoop: channel.eventLoop) }
    }

    /// Queues a frame and makes sure a drain is scheduled on the client's loop.
    /// - Returns: the queue outcome, or nil if the connection is closed.
    @discardableResult
    func enqueue(_ frame: ByteBuffer, control: Bool) -> SendQueue<ByteBuffer>.Outcome? {
        let (outcome, schedule, filling) = state.withLockedValue {
            state -> (SendQueue<ByteBuffer>.Outcome?, Bool, Bool) in
            guard !state.closed else { return (nil, false, false) }
            let outcome = control ? state.queue.enqueueControl(frame) : state.queue.enqueueData(frame)
            let schedule = !state.drainScheduled
            state.drainScheduled = true
            return (outcome, schedule, state.queue.count * 2 >= state.queue.dataCapacity)
        }
        if filling && channel.eventLoop.inEventLoop, let bound = handler.withLockedValue({ $0 }) {
            // The sender runs on this client's loop: a scheduled drain would only run after the sender's whole
            // read burst, so a burst longer than the queue would drop packets that the socket could take now.
            bound.value.drain()
        } else if schedule {
            scheduleDrain()
        }
        return outcome
    }

    /// Queues a decoded control frame.
    @discardableResult
    func enqueue(_ frame: Frame) -> SendQueue<ByteBuffer>.Outcome? {
        let bytes = frame.encoded()
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return enqueue(buffer, control: true)
    }

    private func scheduleDrain() {
        guard let bound = handler.withLockedValue({ $0 }) else { return }
        // Always a separate task, also on the own loop: a burst of reads is then written with one flush.
        channel.eventLoop.execute { bound.value.drain() }
    }

    /// Called by the drain at its start: later enqueues schedule a new drain.
    func beginDrain() {
        state.withLockedValue { $0.drainScheduled = false }
    }

    /// The next queued frame (control first).
    func dequeue() -> ByteBuffer? {
        state.withLockedValue { $0.queue.dequeue() }
    }

    /// Whether frames wait.
    var hasQueued: Bool { state.withLockedValue { !$0.queue.isEmpty } }

    /// Frames waiting.
    var queuedCount: Int { state.withLockedValue { $0.queue.count } }

    /// Whether the connection has closed.
    var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// Marks the connection closed and discards what waits; returns the number discarded.
    func markClosed() -> Int {
        handler.withLockedValue { $0 = nil }
        return state.withLockedValue { state in
            state.closed = true
            return state.queue.removeAll()
        }
    }

    /// Asks the connection to send `notice` and close (from any thread).
    func close(with notice: CloseNotice) {
        guard let bound = handler.withLockedValue({ $0 }) else {
            channel.close(promise: nil)
            return
        }
        channel.eventLoop.execute { bound.value.close(with: notice) }
    }
}

/// Per-connection counters for `/debug/fallback`.
final class ClientStats: Sendable {
    let packetsIn = Atomic<UInt64>(0)
    let packetsOut = Atomic<UInt64>(0)
    let bytesIn = Atomic<UInt64>(0)
    let bytesOut = Atomic<UInt64>(0)
    let dropped = Atomic<UInt64>(0)
}
