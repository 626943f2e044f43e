public import RelayCore

/// The text of wireguard-go's configuration protocol (the cross-platform UAPI, `wg(8)`'s `set`/`get`), built and
/// parsed without I/O. Keys travel as lowercase hex.
public enum WireGuardUAPI {
    /// `set=1` for the device: private key and listen port.
    public static func setDevice(privateKey: PrivateKey, listenPort: UInt16) -> String {
        "set=1\nprivate_key=\(Hex.encode(privateKey.bytes))\nlisten_port=\(listenPort)\n\n"
    }

    /// `set=1` that moves wireguard-go from the peers it has (`current`) to `desired`: removes peers that left,
    /// adds new ones, rewrites endpoint and allowed IPs of changed ones. Nil when nothing changes.
    public static func setPeers(current: [WireGuardPeer], desired: [WireGuardPeer]) -> String? {
        let change = WireGuardPeer.changes(from: current, to: desired)
        var text = ""
        for key in change.removed {
            text += "public_key=\(Hex.encode(key.bytes))\nremove=true\n"
        }
        for peer in change.changed {
            let key = peer.publicKey
            text += "public_key=\(Hex.encode(key.bytes))\nendpoint=\(peer.endpoint)\nreplace_allowed_ips=true\n"
            for ip in peer.allowedIPs { text += "allowed_ip=\(ip)\n" }
        }
        return text.isEmpty ? nil : "set=1\n" + text + "\n"
    }

    /// `set=1` removing every peer in `peers` (on shutdown: the agent removes what it configured).
    public static func removePeers(_ peers: [PublicKey]) -> String? {
        guard !peers.isEmpty else { return nil }
        return "set=1\n" + peers.sorted().map { "public_key=\(Hex.encode($0.bytes))\nremove=true\n" }.joined() + "\n"
    }

    /// The request for the device's state.
    public static let get = "get=1\n\n"

    /// Parses the reply of `get=1` (or the `errno=N` line of a `set=1` reply) into peers; throws on `errno` ≠ 0.
    public static func parse(_ reply: String) throws(WireGuardError) -> (
        listenPort: UInt16?, peers: [WireGuardPeerStatus]
    ) {
        var peers: [WireGuardPeerStatus] = []
        var listenPort: UInt16?
        var handshakeSeconds: Int64?
        for line in reply.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals]
            let value = String(line[line.index(after: equals)...])
            switch key {
            case "errno":
                guard value == "0" else { throw .failed(errno: Int(value) ?? -1, request: "UAPI") }
            case "listen_port":
                listenPort = UInt16(value)
            case "public_key":
                guard let bytes = Hex.decode(value), let peerKey = try? PublicKey(bytes: bytes) else {
                    throw .malformedReply("public_key=\(value.prefix(70))")
                }
                peers.append(WireGuardPeerStatus(publicKey: peerKey))
            case "endpoint" where !peers.isEmpty:
                peers[peers.count - 1].endpoint = value
            case "last_handshake_time_sec" where !peers.isEmpty:
                handshakeSeconds = Int64(value)
                peers[peers.count - 1].lastHandshake = handshakeSeconds == 0 ? nil : handshakeSeconds
            case "rx_bytes" where !peers.isEmpty:
                peers[peers.count - 1].receivedBytes = UInt64(value) ?? 0
            case "tx_bytes" where !peers.isEmpty:
                peers[peers.count - 1].sentBytes = UInt64(value) ?? 0
            case "allowed_ip" where !peers.isEmpty:
                peers[peers.count - 1].allowedIPs.append(value)
            default:
                break
            }
        }
        return (listenPort, peers)
    }
}

/// wireguard-go refused a configuration or could not be reached.
public enum WireGuardError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The UAPI answered `errno=N`.
    case failed(errno: Int, request: String)
    /// The reply is not UAPI text.
    case malformedReply(String)
    /// The UAPI socket cannot be used.
    case unreachable(path: String, reason: String)

    public var description: String {
        switch self {
        case .failed(let errno, let request):
            "wireguard-go refused the \(request) request (errno \(errno)); check the interface exists and the keys"
        case .malformedReply(let text): "wireguard-go answered something that is not UAPI text: \(text)"
        case .unreachable(let path, let reason):
            "cannot talk to wireguard-go at \(path): \(reason); is wireguard-go running for this interface?"
        }
    }
}
