/// The relay-server JSON config file of one replica (docs/relay-server.md "Config file and reload").
///
/// Everything in it is reloadable except `port`, so endpoint, CA and limit changes reach a running relay
/// without a restart. Key and certificate paths are flags (`$(POD_NAME)` in the pod template).
public struct RelayConfigFile: Sendable, Equatable {
    public var port: Int
    public var caKeys: [String]
    public var advertisedEndpoints: [String]
    public var idleTimeoutSeconds: Int
    public var maxSessions: Int?
    public var maxSessionsPerNode: Int?

    /// A config file with every value given.
    public init(
        port: Int, caKeys: [String], advertisedEndpoints: [String], idleTimeoutSeconds: Int, maxSessions: Int?,
        maxSessionsPerNode: Int?
    ) {
        self.port = port
        self.caKeys = caKeys
        self.advertisedEndpoints = advertisedEndpoints
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxSessions = maxSessions
        self.maxSessionsPerNode = maxSessionsPerNode
    }

    /// The file of replica with `endpoints` under `spec` (assumed valid).
    public init(spec: PeerRelaySpec, caKeys: [String], endpoints: [String]) {
        let idle = (try? IdleTimeout.seconds(spec.limits?.idleTimeout).get()) ?? IdleTimeout.defaultSeconds
        self.init(
            port: spec.effectivePort, caKeys: caKeys.sorted(), advertisedEndpoints: endpoints,
            idleTimeoutSeconds: idle, maxSessions: spec.limits?.maxSessions,
            maxSessionsPerNode: spec.limits?.maxSessionsPerNode)
    }

    /// Byte-stable JSON text (sorted keys, newline at the end).
    public var text: String {
        var members: [String: JSONTree] = [
            "port": .int(port),
            "caKeys": .array(caKeys.map { .string($0) }),
            "idleTimeoutSeconds": .int(idleTimeoutSeconds),
            "logFormat": "json",
        ]
        if !advertisedEndpoints.isEmpty {
            members["advertisedEndpoints"] = .array(advertisedEndpoints.map { .string($0) })
        }
        if let maxSessions { members["maxSessions"] = .int(maxSessions) }
        if let maxSessionsPerNode { members["maxSessionsPerNode"] = .int(maxSessionsPerNode) }
        return JSONTree.object(members).text + "\n"
    }
}
