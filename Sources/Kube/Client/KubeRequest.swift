/// A Kubernetes API request before it becomes HTTP: pure, testable without a server.
public struct KubeRequest: Sendable, Equatable {
    /// The HTTP method.
    public var method: String
    /// The URL path, e.g. `/api/v1/namespaces/default/pods`.
    public var path: String
    /// Query parameters in order, not yet percent-encoded.
    public var query: [(String, String)]
    /// The body, if any.
    public var body: [UInt8]?
    /// The body's content type, if any.
    public var contentType: String?

    /// A request of `method` on `path`.
    public init(
        method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
    }

    /// `server + path + ?query` with the query percent-encoded.
    public func url(server: String) -> String {
        guard !query.isEmpty else { return server + path }
        let encoded = query.map { name, value in
            name.addingPercentEncoding(allowed: KubeResource.unreserved) + "="
                + value.addingPercentEncoding(allowed: KubeResource.unreserved)
        }
        return server + path + "?" + encoded.joined(separator: "&")
    }

    /// Requests are equal when method, path, query, body and content type are.
    public static func == (lhs: KubeRequest, rhs: KubeRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body && lhs.contentType == rhs.contentType
            && lhs.query.elementsEqual(rhs.query, by: { $0 == $1 })
    }
}

/// Options of a list request.
public struct ListOptions: Sendable, Equatable {
    /// Only objects with matching labels, e.g. `app=relay`.
    public var labelSelector: String?
    /// Only objects with matching fields, e.g. `spec.nodeName=n1`.
    public var fieldSelector: String?
    /// Page size; continue with the returned token.
    public var limit: Int?
    /// The token of the previous page.
    public var continueToken: String?
    /// The version to list at (see ``resourceVersionMatch``).
    public var resourceVersion: String?
    /// "Exact" or "NotOlderThan".
    public var resourceVersionMatch: String?
    /// The server ends the request after this many seconds.
    public var timeoutSeconds: Int?

    /// List options; unset ones are not sent.
    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: String? = nil, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    var query: [(String, String)] {
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let limit { query.append(("limit", String(limit))) }
        if let continueToken { query.append(("continue", continueToken)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { query.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        return query
    }
}

/// Options of a watch request.
public struct WatchOptions: Sendable, Equatable {
    /// Only objects with matching labels.
    public var labelSelector: String?
    /// Only objects with matching fields.
    public var fieldSelector: String?
    /// Start after this version; nil or "0" start with synthetic ADDED events for the current state.
    public var resourceVersion: String?
    /// Ask for BOOKMARK events.
    public var allowWatchBookmarks: Bool
    /// The server ends the watch after this many seconds (a clean end, not an error).
    public var timeoutSeconds: Int?

    /// Watch options; bookmarks are on by default.
    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var query: [(String, String)] {
        var query: [(String, String)] = [("watch", "1")]
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        return query
    }
}

/// Options of a delete request (sent as a DeleteOptions body).
public struct DeleteOptions: Sendable, Equatable, Encodable {
    /// The delete applies only to this uid or resourceVersion (409 otherwise).
    public struct Preconditions: Sendable, Equatable, Encodable {
        /// The object's uid must be this.
        public var uid: String?
        /// The object's resourceVersion must be this.
        public var resourceVersion: String?
        /// Preconditions on the object's uid and resourceVersion.
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }
    /// Always `DeleteOptions`.
    public var kind = "DeleteOptions"
    /// Always `v1`.
    public var apiVersion = "v1"
    /// Foreground, Background or Orphan.
    public var propagationPolicy: String?
    /// Seconds the object's pods get to stop (nil: their own default).
    public var gracePeriodSeconds: Int?
    /// Conditions the object must meet.
    public var preconditions: Preconditions?
    /// `["All"]` to only validate.
    public var dryRun: [String]?

    /// Delete options; unset ones are not sent.
    public init(propagationPolicy: String? = nil, gracePeriodSeconds: Int? = nil, preconditions: Preconditions? = nil) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditions = preconditions
    }
}

/// One RFC 6902 JSON patch operation.
public struct JSONPatchOperation: Sendable, Equatable, Encodable {
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    public var op: String
    /// The JSON pointer the operation applies to.
    public var path: String
    /// The value for add, replace and test.
    public var value: JSONValue?
    /// The source pointer for move and copy.
    public var from: String?

    /// An operation `op` ("add", "remove", …) at the JSON pointer `path`.
    public init(op: String, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    /// Adds `value` at `path`.
    public static func add(_ path: String, _ value: JSONValue) -> Self { .init(op: "add", path: path, value: value) }
    /// Replaces the value at `path`.
    public static func replace(_ path: String, _ value: JSONValue) -> Self {
        .init(op: "replace", path: path, value: value)
    }
    /// Removes the value at `path`.
    public static func remove(_ path: String) -> Self { .init(op: "remove", path: path) }
    /// Fails the whole patch unless the value at `path` is `value`.
    public static func test(_ path: String, _ value: JSONValue) -> Self { .init(op: "test", path: path, value: value) }

    /// Escapes a key for use in a JSON pointer ("~" → "~0", "/" → "~1").
    public static func escape(_ key: String) -> String {
        key.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}

/// A patch body.
public enum KubePatch: Sendable, Equatable {
    /// RFC 7386 JSON merge patch (`null` deletes).
    case merge(JSONValue)
    /// RFC 6902 JSON patch.
    case json([JSONPatchOperation])
    /// Strategic merge patch (built-in kinds only).
    case strategic(JSONValue)

    var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .strategic: return "application/strategic-merge-patch+json"
        }
    }

    var body: [UInt8] {
        switch self {
        case .merge(let value), .strategic(let value): return value.jsonBytes()
        case .json(let operations):
            return JSONValue.array(
                operations.map { operation in
                    var fields: [String: JSONValue] = ["op": .string(operation.op), "path": .string(operation.path)]
                    if let value = operation.value { fields["value"] = value }
                    if let from = operation.from { fields["from"] = .string(from) }
                    return .object(fields)
                }
            ).jsonBytes()
        }
    }
}
