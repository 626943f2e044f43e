/// How the agent reaches WireGuard's configuration (`--wireguard-backend`). Both speak the same model
/// (`WireGuardPeer`: key, loopback endpoint, allowed IPs).
public enum WireGuardBackend: String, Sendable, CaseIterable {
    /// wireguard-go's UAPI socket (`/var/run/wireguard/IF.sock`), written directly.
    case uapi
    /// `wg(8)` (`wg set`, `wg show IF dump`): kernel WireGuard; `wg` also drives wireguard-go through its
    /// UAPI socket.
    case wg
}
