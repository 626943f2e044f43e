import DequeModule

/// A client's outgoing frames on the server (or a client's own sends): a control lane that always goes first and a
/// bounded data lane that, when full, drops its *oldest* packet so fresh packets win and the sender never waits
/// (docs/fallback-protocol.md §6). Control is bounded too (it drops the newest: control must not grow without end).
public struct SendQueue<Element>: Sendable where Element: Sendable {
    /// What happened to an enqueued element.
    public enum Outcome: Equatable, Sendable {
        /// Queued; nothing lost.
        case queued
        /// Queued after dropping the oldest data element.
        case droppedOldest
        /// Not queued (control lane full).
        case rejected
    }

    private var control: Deque<Element> = []
    private var data: Deque<Element> = []
    /// Most data elements held.
    public let dataCapacity: Int
    /// Most control elements held.
    public let controlCapacity: Int
    /// Data elements dropped to make room, since creation.
    public private(set) var droppedData: UInt64 = 0
    /// Control elements rejected, since creation.
    public private(set) var rejectedControl: UInt64 = 0

    /// Creates an empty queue.
    public init(dataCapacity: Int, controlCapacity: Int) {
        precondition(dataCapacity >= 1 && controlCapacity >= 1, "queue capacities must be at least 1")
        self.dataCapacity = dataCapacity
        self.controlCapacity = controlCapacity
    }

    /// Adds a data element, dropping the oldest one when full.
    @discardableResult
    public mutating func enqueueData(_ element: Element) -> Outcome {
        var outcome = Outcome.queued
        if data.count >= dataCapacity {
            data.removeFirst()
            droppedData += 1
            outcome = .droppedOldest
        }
        data.append(element)
        return outcome
    }

    /// Adds a control element unless the control lane is full.
    @discardableResult
    public mutating func enqueueControl(_ element: Element) -> Outcome {
        guard control.count < controlCapacity else {
            rejectedControl += 1
            return .rejected
        }
        control.append(element)
        return .queued
    }

    /// The next element to send: control first.
    public mutating func dequeue() -> Element? {
        if let first = control.popFirst() { return first }
        return data.popFirst()
    }

    /// Elements waiting.
    public var count: Int { control.count + data.count }

    /// Whether nothing waits.
    public var isEmpty: Bool { control.isEmpty && data.isEmpty }

    /// Removes everything (the connection closed); returns how many elements were discarded.
    @discardableResult
    public mutating func removeAll() -> Int {
        defer {
            control.removeAll()
            data.removeAll()
        }
        return count
    }
}
