/// How a fallback connection rides HTTP: an HTTP/1.1 `Upgrade: peerrelay-fallback` (raw frames after the 101), or
/// a WebSocket with subprotocol `peerrelay-fallback` (frames inside binary messages), for proxies that only let
/// WebSockets through. Both share the server's HTTPS port.
public enum FallbackTransport: String, Sendable, Hashable, Codable, CaseIterable {
    case upgrade
    case websocket

    /// The token in `Upgrade:` for the raw transport, and the WebSocket subprotocol name.
    public static let protocolName = "peerrelay-fallback"
}
