/// Where the agent dials the fallback relay a netmap names.
public enum FallbackURL {
    /// `advertised` as this node can dial it. A coordinator listening on every address (`--host 0.0.0.0`, as the
    /// Helm chart runs it) without `--fallback-url` lists its embedded fallback relay as `http://0.0.0.0:PORT/fallback`,
    /// which names no reachable host; the embedded relay is served on the coordinator's own port, so the scheme, host
    /// and port of the coordinator URL this node reaches (`coordinator`) replace the unspecified ones. Any other URL is
    /// returned unchanged.
    public static func resolve(_ advertised: String, coordinator: String) -> String {
        guard let target = Parts(advertised), target.hasUnspecifiedHost, let base = Parts(coordinator) else {
            return advertised
        }
        return base.scheme + "://" + base.authority + target.path
    }

    struct Parts {
        var scheme: Substring
        var authority: Substring
        var path: Substring

        init?(_ url: String) {
            guard let separator = url.firstRange(of: "://") else { return nil }
            scheme = url[..<separator.lowerBound]
            let rest = url[separator.upperBound...]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            authority = rest[..<slash]
            path = rest[slash...]
            guard !scheme.isEmpty, !authority.isEmpty else { return nil }
        }

        /// The host part of the authority, without brackets or port.
        var host: Substring {
            let hostPort = authority.split(separator: "@", maxSplits: 1).last ?? authority
            if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
                return hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            }
            if let colon = hostPort.lastIndex(of: ":") { return hostPort[..<colon] }
            return hostPort
        }

        var hasUnspecifiedHost: Bool {
            ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"].contains(host)
        }
    }
}
