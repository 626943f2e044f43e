public import RelayCore

/// The arguments of `wg(8)` for the same configuration model as `WireGuardUAPI`, built and parsed without I/O:
/// kernel WireGuard is configured this way (and `wg` also drives wireguard-go through its UAPI socket). Keys travel
/// as base64; the private key is read from standard input (`private-key /dev/stdin`), never from the command line.
public enum WireGuardCommand {
    /// `wg set IF listen-port N private-key /dev/stdin` (the caller writes the base64 private key to stdin).
    public static func setDevice(interface: String, listenPort: UInt16) -> [String] {
        ["set", interface, "listen-port", "\(listenPort)", "private-key", "/dev/stdin"]
    }

    /// `wg set IF peer K remove … peer K endpoint E allowed-ips A,B …` moving the interface from `current` to
    /// `desired` (`allowed-ips` replaces a peer's list). Nil when nothing changes.
    public static func setPeers(interface: String, current: [WireGuardPeer], desired: [WireGuardPeer]) -> [String]? {
        let change = WireGuardPeer.changes(from: current, to: desired)
        var arguments: [String] = []
        for key in change.removed { arguments += ["peer", key.base64, "remove"] }
        for peer in change.changed {
            arguments += ["peer", peer.publicKey.base64, "endpoint", "\(peer.endpoint)"]
            arguments += ["allowed-ips", peer.allowedIPs.joined(separator: ",")]
        }
        return arguments.isEmpty ? nil : ["set", interface] + arguments
    }

    /// `wg set IF peer K remove …` for every key (on shutdown). Nil for none.
    public static func removePeers(interface: String, _ peers: [PublicKey]) -> [String]? {
        guard !peers.isEmpty else { return nil }
        return ["set", interface] + peers.sorted().flatMap { ["peer", $0.base64, "remove"] }
    }

    /// `wg show IF dump`.
    public static func dump(interface: String) -> [String] { ["show", interface, "dump"] }

    /// Parses `wg show IF dump`: a line for the interface (private key, public key, listen port, fwmark), then one
    /// per peer (public key, preshared key, endpoint, allowed IPs, latest handshake, rx bytes, tx bytes,
    /// persistent keepalive), fields separated by tabs.
    public static func parseDump(_ text: String) throws(WireGuardError) -> (
        listenPort: UInt16?, peers: [WireGuardPeerStatus]
    ) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first else { throw .malformedReply("empty `wg show dump` output") }
        let device = first.split(separator: "\t", omittingEmptySubsequences: false)
        guard device.count == 4 else { throw .malformedReply("interface line: \(first.prefix(70))") }
        var peers: [WireGuardPeerStatus] = []
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 8, let key = PublicKey(base64: fields[0]) else {
                throw .malformedReply("peer line: \(line.prefix(70))")
            }
            var peer = WireGuardPeerStatus(publicKey: key)
            peer.endpoint = fields[2] == "(none)" ? nil : fields[2]
            peer.allowedIPs = fields[3] == "(none)" ? [] : fields[3].split(separator: ",").map(String.init)
            let handshake = Int64(fields[4]) ?? 0
            peer.lastHandshake = handshake == 0 ? nil : handshake
            peer.receivedBytes = UInt64(fields[5]) ?? 0
            peer.sentBytes = UInt64(fields[6]) ?? 0
            peers.append(peer)
        }
        return (UInt16(device[2]), peers)
    }
}
