import RelayCore

/// What a waiting request expects: matched against replies by the dispatcher.
enum ReplyKey: Hashable, Sendable {
    /// AllocateResponse or Error for the Allocate with this generation (VNI 0).
    case allocate(generation: UInt32)
    /// Challenge or Error for the Bind on `vni` with this generation.
    case bind(vni: UInt32, generation: UInt32)
    /// Pong for the Ping with this transaction id.
    case pong(TransactionID)
}

/// A reply the dispatcher hands to a waiting request.
enum Reply: Sendable {
    case allocated(AllocateResponseMessage)
    case challenge(BindMessage)
    case refused(RelayErrorMessage)
    case pong(PongMessage, at: ContinuousClock.Instant)
}
