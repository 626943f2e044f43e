public import Fallback
public import NIOCore
public import RelayCore

/// What a fallback connection delivers to its user.
public enum FallbackEvent: Sendable {
    /// A packet from another node (the server vouches for `source`: it authenticated that key).
    case packet(source: PublicKey, payload: ByteBuffer, control: Bool)
    /// A peer is not connected (or left).
    case peerGone(PublicKey, PeerGoneReason)
    /// A peer connected (watchers only).
    case peerPresent(PublicKey)
    /// Admitted (again, after a reconnect).
    case connected(AcceptedParameters)
    /// The connection ended; a ``FallbackClient`` reconnects when the error is retryable.
    case disconnected(FallbackClientError)
}
