public import Logging
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Records events.k8s.io/v1 Events. A repeat of the same (object, type, reason, action, note) within
/// `aggregationWindow` increments the existing Event's `series` instead of creating a new one.
public final class EventRecorder: Sendable {
    struct Key: Hashable {
        var uid: String
        var name: String
        var type: String
        var reason: String
        var action: String
        var note: String
    }
    struct Entry {
        var eventName: String
        var namespace: String
        var count: Int
        var firstSeen: ContinuousClock.Instant
    }

    /// The client Events are written with.
    public let client: KubeClient
    /// `reportingController` of every Event, e.g. `peerrelay.dev/relay-operator`.
    public let reportingController: String
    /// `reportingInstance` of every Event (the pod name).
    public let reportingInstance: String
    /// Repeats of one event within this window increment one Event's `series`.
    public let aggregationWindow: Duration
    let maxEntries: Int
    private let cache = Mutex<[Key: Entry]>([:])
    let logger: Logger

    /// Records as `reportingController`/`reportingInstance`, folding repeats within `aggregationWindow`
    /// and remembering at most `maxEntries` events.
    public init(
        client: KubeClient, reportingController: String, reportingInstance: String,
        aggregationWindow: Duration = .seconds(600), maxEntries: Int = 4096, logger: Logger? = nil
    ) {
        self.client = client
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.aggregationWindow = aggregationWindow
        self.maxEntries = maxEntries
        self.logger = logger ?? Logger(label: "kube.events")
    }

    /// Records an event about `object`. Failures are logged, never thrown (events are best effort),
    /// and the written Event is returned when it succeeded.
    @discardableResult
    public func record<T: KubeObject>(
        _ object: T, type: String = "Normal", reason: String, action: String, note: String
    ) async -> Event? {
        let regarding = Event.ObjectReference(
            apiVersion: object.apiVersion ?? T.resource.apiVersion, kind: object.kind ?? T.resource.kind,
            name: object.name, namespace: object.metadata.namespace, uid: object.metadata.uid)
        return await record(regarding: regarding, type: type, reason: reason, action: action, note: note)
    }

    /// Records an event about the object `regarding`; see ``record(_:type:reason:action:note:)``.
    @discardableResult
    public func record(
        regarding: Event.ObjectReference, type: String, reason: String, action: String, note: String
    ) async -> Event? {
        let note = String(note.prefix(1024))
        let key = Key(
            uid: regarding.uid ?? "", name: regarding.name ?? "", type: type, reason: reason, action: action, note: note
        )
        let namespace = regarding.namespace ?? "default"
        let clock = ContinuousClock()
        let existing: Entry? = cache.withLock { cache in
            guard let entry = cache[key], clock.now - entry.firstSeen < aggregationWindow else { return nil }
            return entry
        }
        if let existing {
            let count = existing.count + 1
            let observed = RFC3339Time.now(.microseconds).description
            let patch: JSONValue = ["series": ["count": .int(count), "lastObservedTime": .string(observed)]]
            do {
                let event = try await client.patch(
                    Event.self, name: existing.eventName, namespace: existing.namespace, patch: .merge(patch))
                cache.withLock { $0[key]?.count = count }
                return event
            } catch {
                logger.debug("cannot update event \(existing.eventName): \(error); creating a new one")
            }
        }
        var event = Event(
            metadata: ObjectMeta(name: "\(regarding.name ?? "event").\(Self.suffix())", namespace: namespace))
        event.eventTime = .now(.microseconds)
        event.reportingController = reportingController
        event.reportingInstance = reportingInstance
        event.action = action
        event.reason = reason
        event.type = type
        event.note = note
        event.regarding = regarding
        do {
            let created = try await client.create(event)
            cache.withLock { cache in
                if cache.count >= maxEntries,
                    let oldest = cache.min(by: { $0.value.firstSeen < $1.value.firstSeen })?.key
                {
                    cache[oldest] = nil
                }
                cache[key] = Entry(eventName: created.name, namespace: namespace, count: 1, firstSeen: clock.now)
            }
            return created
        } catch {
            logger.warning("cannot record event \(reason) for \(regarding.name ?? "?"): \(error)")
            return nil
        }
    }

    static func suffix() -> String {
        let nanos = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
        return String(nanos, radix: 16) + String(UInt16.random(in: 0...UInt16.max), radix: 16)
    }
}
