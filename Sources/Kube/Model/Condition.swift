/// A standard status condition (metav1.Condition).
public struct Condition: Codable, Sendable, Hashable {
    /// The condition's name, such as `Ready`.
    public var type: String
    /// "True", "False" or "Unknown".
    public var status: String
    /// The object generation the condition was computed from.
    public var observedGeneration: Int64?
    /// When `status` last changed.
    public var lastTransitionTime: RFC3339Time?
    /// A CamelCase machine-readable cause.
    public var reason: String?
    /// What a person should know, and do.
    public var message: String?

    /// A condition; `lastTransitionTime` is usually left nil and settled by ``transitioned(from:at:)``.
    public init(
        type: String, status: String, reason: String? = nil, message: String? = nil, observedGeneration: Int64? = nil,
        lastTransitionTime: RFC3339Time? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }

    /// Whether `status` is "True".
    public var isTrue: Bool { status == "True" }
}

extension Condition {
    /// This condition with its `lastTransitionTime` settled by the Kubernetes rule: it stays `previous`'s time while
    /// the status is unchanged, and becomes `now` (or the time this condition already carries) when it changes.
    ///
    /// - Parameters:
    ///   - previous: the condition of the same type in the last written status, if any.
    ///   - now: the time of this change.
    /// - Returns: the condition to write.
    public func transitioned(from previous: Condition?, at now: RFC3339Time) -> Condition {
        var updated = self
        if let previous, previous.status == status {
            updated.lastTransitionTime = previous.lastTransitionTime ?? now
        } else {
            updated.lastTransitionTime = lastTransitionTime ?? now
        }
        return updated
    }
}

extension Array where Element == Condition {
    /// The condition of `type`, if present.
    public subscript(type type: String) -> Condition? { first { $0.type == type } }

    /// Sets a condition, keeping `lastTransitionTime` unless the status changed (``Condition/transitioned(from:at:)``).
    public mutating func set(_ condition: Condition, now: RFC3339Time = .now) {
        if let index = firstIndex(where: { $0.type == condition.type }) {
            self[index] = condition.transitioned(from: self[index], at: now)
        } else {
            append(condition.transitioned(from: nil, at: now))
        }
    }
}
