/// events.k8s.io/v1 Event.
public struct Event: KubeObject, Hashable {
    /// Repeats of one event, counted instead of recorded again.
    public struct Series: Codable, Sendable, Hashable {
        public var count: Int
        public var lastObservedTime: RFC3339Time
        /// `count` repeats, the last at `lastObservedTime`.
        public init(count: Int, lastObservedTime: RFC3339Time) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }
    }

    /// The object an event is about.
    public struct ObjectReference: Codable, Sendable, Hashable {
        public var apiVersion: String?
        public var kind: String?
        public var name: String?
        public var namespace: String?
        public var uid: String?
        public var resourceVersion: String?
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
    public var eventTime: RFC3339Time?
    public var series: Series?
    public var reportingController: String?
    public var reportingInstance: String?
    public var action: String?
    public var reason: String?
    public var regarding: ObjectReference?
    public var related: ObjectReference?
    public var note: String?
    /// Normal or Warning.
    public var type: String?
    public var deprecatedCount: Int?
    public var deprecatedFirstTimestamp: RFC3339Time?
    public var deprecatedLastTimestamp: RFC3339Time?
    public var deprecatedSource: JSONValue?

    /// An event with `metadata`.
    public init(metadata: ObjectMeta = ObjectMeta()) { self.metadata = metadata }
}
