/// events.k8s.io/v1 Event.
public struct Event: KubeObject, Hashable {
    /// Repeats of one event, counted instead of recorded again.
    public struct Series: Codable, Sendable, Hashable {
        /// Occurrences in the series.
        public var count: Int
        /// When the last one happened.
        public var lastObservedTime: RFC3339Time
        /// `count` repeats, the last at `lastObservedTime`.
        public init(count: Int, lastObservedTime: RFC3339Time) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }
    }

    /// The object an event is about.
    public struct ObjectReference: Codable, Sendable, Hashable {
        /// The object's API version.
        public var apiVersion: String?
        /// The object's kind.
        public var kind: String?
        /// The object's name.
        public var name: String?
        /// The object's namespace.
        public var namespace: String?
        /// The object's uid.
        public var uid: String?
        /// The object's resourceVersion when the event happened.
        public var resourceVersion: String?
        /// A part of the object, e.g. `spec.containers{relay}`.
        public var fieldPath: String?
        /// A reference to an object.
        public init(apiVersion: String?, kind: String?, name: String?, namespace: String?, uid: String?) {
            self.apiVersion = apiVersion
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.uid = uid
        }
    }

    public static let resource = KubeResource.events
    public var apiVersion: String? = "events.k8s.io/v1"
    public var kind: String? = "Event"
    public var metadata: ObjectMeta
    /// When the event first happened (microsecond precision).
    public var eventTime: RFC3339Time?
    /// Repeats since then.
    public var series: Series?
    /// The controller that reported it, e.g. `peerrelay.dev/relay-operator`.
    public var reportingController: String?
    /// The reporting controller's instance (its pod).
    public var reportingInstance: String?
    /// What the controller did or failed to do, e.g. `Publish`.
    public var action: String?
    /// Why, in UpperCamelCase, e.g. `PublishFailed`.
    public var reason: String?
    /// The object the event is about.
    public var regarding: ObjectReference?
    /// A second object involved, if any.
    public var related: ObjectReference?
    /// Human-readable detail (at most 1 kB).
    public var note: String?
    /// Normal or Warning.
    public var type: String?
    /// core/v1 `count`, for older readers.
    public var deprecatedCount: Int?
    /// core/v1 `firstTimestamp`, for older readers.
    public var deprecatedFirstTimestamp: RFC3339Time?
    /// core/v1 `lastTimestamp`, for older readers.
    public var deprecatedLastTimestamp: RFC3339Time?
    /// core/v1 `source`, for older readers.
    public var deprecatedSource: JSONValue?

    /// An event with `metadata`.
    public init(metadata: ObjectMeta = ObjectMeta()) { self.metadata = metadata }
}
