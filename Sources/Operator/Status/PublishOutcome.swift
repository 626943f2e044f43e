/// What publishing to the coordinator achieved in one reconcile.
public struct PublishOutcome: Sendable, Equatable {
    /// Why the coordinator could not be used (the `Published` condition's reason).
    public enum Failure: String, Sendable, Equatable {
        case secretNotFound = "SecretNotFound"
        case secretKeyMissing = "SecretKeyMissing"
        case coordinatorUnreachable = "CoordinatorUnreachable"
        case coordinatorRejected = "CoordinatorRejected"
    }

    /// Replicas whose current addresses the coordinator accepted.
    public var published: Set<Int>
    /// The failure, with a message, if any call failed.
    public var failure: (reason: Failure, message: String)?
    /// Whether every registration of replicas beyond `spec.replicas` is gone.
    public var leftoversRemoved: Bool

    /// An outcome.
    public init(published: Set<Int>, failure: (reason: Failure, message: String)? = nil, leftoversRemoved: Bool = true)
    {
        self.published = published
        self.failure = failure
        self.leftoversRemoved = leftoversRemoved
    }

    public static func == (lhs: PublishOutcome, rhs: PublishOutcome) -> Bool {
        lhs.published == rhs.published && lhs.failure?.reason == rhs.failure?.reason
            && lhs.failure?.message == rhs.failure?.message && lhs.leftoversRemoved == rhs.leftoversRemoved
    }
}
