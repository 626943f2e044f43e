/// A label selector by exact labels (`matchLabels`).
public struct LabelSelector: Codable, Sendable, Hashable {
    /// Labels an object must have, all of them.
    public var matchLabels: [String: String]?

    /// A selector of objects carrying all of `matchLabels`.
    public init(matchLabels: [String: String]? = nil) {
        self.matchLabels = matchLabels
    }
}
