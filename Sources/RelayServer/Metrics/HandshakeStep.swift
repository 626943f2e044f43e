/// The control messages a relay answers; the `step` label of `relay_handshakes_total`.
public enum HandshakeStep: String, Sendable {
    case allocate
    case bind
    case answer
    case other
}
