import Fallback
import NIOConcurrencyHelpers
import NIOCore

/// A connection's local send queue: any thread queues, the event loop drains. When the socket is busy the oldest
/// data packet is dropped, never the caller blocked.
final class ClientOutbound: Sendable {
    private struct State {
        var queue: SendQueue<ByteBuffer>
        var drainScheduled = false
        var closed = false
    }

    private let state: NIOLockedValueBox<State>
    private let drainer: NIOLockedValueBox<NIOLoopBound<ClientConnectionHandler>?>
    let eventLoop: any EventLoop

    init(depth: Int, eventLoop: any EventLoop) {
        self.state = NIOLockedValueBox(State(queue: SendQueue(dataCapacity: depth, controlCapacity: depth)))
        self.drainer = NIOLockedValueBox(nil)
        self.eventLoop = eventLoop
    }

    func attach(_ handler: ClientConnectionHandler) {
        drainer.withLockedValue { $0 = NIOLoopBound(handler, eventLoop: eventLoop) }
    }

    /// Queues a frame. Returns false if the connection is closed.
    func enqueue(_ frame: ByteBuffer, control: Bool) -> Bool {
        let (accepted, schedule) = state.withLockedValue { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            if control { state.queue.enqueueControl(frame) } else { state.queue.enqueueData(frame) }
            let schedule = !state.drainScheduled
            state.drainScheduled = true
            return (true, schedule)
        }
        if schedule, let bound = drainer.withLockedValue({ $0 }) {
            eventLoop.execute { bound.value.drain() }
        }
        return accepted
    }

    func beginDrain() { state.withLockedValue { $0.drainScheduled = false } }

    func dequeue() -> ByteBuffer? { state.withLockedValue { $0.queue.dequeue() } }

    /// Data packets dropped locally because the socket was busy.
    var droppedCount: UInt64 { state.withLockedValue { $0.queue.droppedData } }

    func markClosed() {
        drainer.withLockedValue { $0 = nil }
        state.withLockedValue { state in
            state.closed = true
            state.queue.removeAll()
        }
    }
}
