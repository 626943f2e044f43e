/// Names and labels of the objects one PeerRelay owns (docs/peerrelay-api.md "Objects the operator creates").
public struct RelayNames: Sendable, Equatable {
    /// The PeerRelay's name.
    public var name: String
    /// The PeerRelay's namespace.
    public var namespace: String

    /// The names of PeerRelay `namespace`/`name`.
    public init(name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
    }

    /// Field manager of every server-side apply.
    public static let fieldManager = "relay-operator"
    /// Label on Services (and in status) carrying the replica index.
    public static let replicaLabel = "peerrelay.dev/replica"
    /// The StatefulSet controller's per-pod label.
    public static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    /// Directory of the mounted relay configuration inside the relay container.
    public static let configDirectory = "/etc/peerrelay/config"
    /// Directory of the mounted relay keys and certificates inside the relay container.
    public static let keyDirectory = "/etc/peerrelay/keys"
    /// relay-server's state directory (`--state-dir`: the last good revocation list, `revocations.json`), an
    /// emptyDir: it survives container restarts (liveness probe, crash), not the pod's deletion.
    public static let stateDirectory = "/var/lib/peerrelay"
    /// Size limit of the state emptyDir (the revocation list is a few bytes per revoked serial).
    public static let stateSizeLimit = "32Mi"
    /// Admin (metrics, health) port of relay-server.
    public static let adminPort = 9090

    /// The StatefulSet (also the pods' name prefix).
    public var statefulSet: String { name }
    /// Pod of replica `index`.
    public func pod(_ index: Int) -> String { "\(name)-\(index)" }
    /// Service of replica `index`.
    public func service(_ index: Int) -> String { "\(name)-\(index)" }
    /// The Secret holding every replica's relay key and certificate (keys `<pod>.key`, `<pod>.pem`).
    public var secret: String { "\(name)-relay" }
    /// The ConfigMap holding every replica's relay-server config file (key `<pod>.json`).
    public var configMap: String { "\(name)-config" }
    /// Name of the relay in the coordinator (a DNS label; `name` + `replica` identify an entry there):
    /// `<namespace>-<name>`, or when that is longer than 63 bytes its first 54 bytes and a hash.
    public var coordinatorName: String {
        let full = "\(namespace)-\(name)"
        if full.utf8.count <= 63 { return full }
        var hash: UInt32 = 2_166_136_261
        for byte in full.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        var prefix = String(full.prefix(54))
        while prefix.hasSuffix("-") { prefix.removeLast() }
        let hex = String(hash, radix: 16)
        return prefix + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Labels every child carries.
    public var labels: [String: String] {
        [
            "app.kubernetes.io/name": "peer-relay",
            "app.kubernetes.io/instance": name,
            "app.kubernetes.io/component": "relay",
            "app.kubernetes.io/managed-by": "relay-operator",
        ]
    }

    /// The StatefulSet's selector (a stable subset of `labels`).
    public var selector: [String: String] {
        [
            "app.kubernetes.io/name": "peer-relay",
            "app.kubernetes.io/instance": name,
            "app.kubernetes.io/component": "relay",
        ]
    }

    /// `app.kubernetes.io/...` label selector text for list calls.
    public var selectorText: String {
        selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Replica index of a child named `<name>-<i>`, if `objectName` is one.
    public func replicaIndex(of objectName: String) -> Int? {
        guard objectName.hasPrefix(name + "-") else { return nil }
        let rest = objectName.dropFirst(name.count + 1)
        guard let index = Int(rest), String(index) == rest, index >= 0 else { return nil }
        return index
    }
}
