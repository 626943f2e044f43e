/// One request to the admin HTTP server, as seen by a route handler.
public struct AdminRequest: Sendable {
    /// Upper-case method, e.g. `GET`.
    public var method: String
    /// Path without the query, e.g. `/debug/sessions`.
    public var path: String
    /// Query parameters (last value wins; no percent-decoding beyond `+`).
    public var query: [String: String]

    /// Creates a request from its parts.
    public init(method: String, path: String, query: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// Splits a request target like `/a/b?x=1&y` into path and query.
    public init(method: String, target: String) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(keyValue[0])
                let value = keyValue.count == 2 ? String(keyValue[1]).replacingPlus() : ""
                query[key] = value
            }
        }
        self.init(method: method, path: String(parts.first ?? ""), query: query)
    }
}

extension String {
    fileprivate func replacingPlus() -> String {
        String(map { $0 == "+" ? " " : $0 })
    }
}
