/// A standard status condition (metav1.Condition).
public struct Condition: Codable, Sendable, Hashable {
    public var type: String
    /// "True", "False" or "Unknown".
    public var status: String
    public var observedGeneration: Int64?
    public var lastTransitionTime: KubeTime?
    public var reason: String?
    public var message: String?

    public init(
        type: String, status: String, reason: String? = nil, message: String? = nil, observedGeneration: Int64? = nil,
        lastTransitionTime: KubeTime? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }

    public var isTrue: Bool { status == "True" }
}

extension Array where Element == Condition {
    public subscript(type type: String) -> Condition? { first { $0.type == type } }

    /// Sets a condition, keeping `lastTransitionTime` unless the status changed.
    public mutating func set(_ condition: Condition, now: KubeTime = .now) {
        var updated = condition
        if let index = firstIndex(where: { $0.type == condition.type }) {
            let old = self[index]
            updated.lastTransitionTime =
                old.status == condition.status ? (old.lastTransitionTime ?? now) : (condition.lastTransitionTime ?? now)
            self[index] = updated
        } else {
            if updated.lastTransitionTime == nil { updated.lastTransitionTime = now }
            append(updated)
        }
    }
}
