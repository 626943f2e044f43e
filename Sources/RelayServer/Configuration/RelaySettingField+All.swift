import RelayCore

extension RelaySettingField {
    /// Every relay setting, in the order `--help` and docs/relay-server.md list them.
    public static let all: [RelaySettingField] = [
        .list(
            "listenAddresses", "listen", "RELAY_LISTEN", \.listenAddresses,
            help:
                "UDP listen addresses, comma-separated or repeated (default \(list(\.listenAddresses)) — IPv4 and IPv6)"
        ),
        .int(
            "port", "port", "RELAY_PORT", \.port, range: 0...65535,
            help: "UDP port of the relay (default \(value(\.port)); 0 picks a free port, for tests)"),
        .int(
            "sockets", "sockets", "RELAY_SOCKETS", \.sockets, range: 1...64,
            help: "SO_REUSEPORT sockets (and event loops) per listen address (default: number of cores)"),
        .int(
            "readBatch", "read-batch", "RELAY_READ_BATCH", \.readBatch, range: 1...256,
            help: "datagrams per vector read (recvmmsg) (default \(value(\.readBatch)))"),
        .int(
            "socketBufferBytes", "socket-buffer-bytes", "RELAY_SOCKET_BUFFER_BYTES", \.socketBufferBytes,
            range: 65536...(256 << 20), help: "SO_RCVBUF/SO_SNDBUF per socket (default \(value(\.socketBufferBytes)))"),
        .int(
            "maxDatagramBytes", "max-datagram-bytes", "RELAY_MAX_DATAGRAM_BYTES", \.maxDatagramBytes,
            range: 576...65507,
            help: "largest datagram the relay forwards; larger ones are dropped (default \(value(\.maxDatagramBytes)))"),
        .bool(
            "udpGRO", "udp-gro", "RELAY_UDP_GRO", \.udpGRO,
            help:
                "UDP generic receive offload: read coalesced trains of datagrams (default \(value(\.udpGRO)); each "
                + "receive slot is then 64 KiB; ignored where the kernel lacks it)"),
        .bool(
            "udpGSO", "udp-gso", "RELAY_UDP_GSO", \.udpGSO,
            help: "UDP segmentation offload: send consecutive equal-size datagrams for one destination (batched I/O), "
                + "and with --udp-gro a train of one session, as one write (default \(value(\.udpGSO)))"),
        .bool(
            "batchedIO", "batched-io", "RELAY_BATCHED_IO", \.batchedIO,
            help: "Linux: one thread per socket reading and writing batches (recvmmsg/sendmmsg) into fixed buffers "
                + "(default \(value(\.batchedIO)); false, and other systems, use NIO channels)"),
        .string(
            "adminAddress", "admin-address", "RELAY_ADMIN_ADDRESS", \.adminAddress,
            help: "address of the admin HTTP server (/metrics, /healthz, /readyz, /debug/sessions) (default "
                + "\(value(\.adminAddress)))"),
        .int(
            "adminPort", "admin-port", "RELAY_ADMIN_PORT", \.adminPort, range: 0...65535,
            help: "port of the admin HTTP server (default \(value(\.adminPort)); 0 picks a free port)"),
        .string(
            "privateKeyFile", "private-key-file", "RELAY_PRIVATE_KEY_FILE", \.privateKeyFile,
            help: "file with the relay's X25519 private key, one base64 line (required)"),
        .string(
            "certificateFile", "certificate-file", "RELAY_CERTIFICATE_FILE", \.certificateFile,
            reloadable: true,
            help: "PEM file with the relay's certificate (role relay, for the private key) (required) (reloadable)"),
        .list(
            "caKeys", "ca-key", "RELAY_CA_KEYS", \.caKeys, reloadable: true,
            help: "trusted tailnet CA public keys, base64, comma-separated or repeated (reloadable)"),
        .list(
            "caKeyFiles", "ca-key-file", "RELAY_CA_KEY_FILES", \.caKeyFiles, reloadable: true,
            help: "files holding one trusted CA public key each (reloadable)"),
        .serials(
            "revokedSerials", "revoked-serial", "RELAY_REVOKED_SERIALS", \.revokedSerials,
            help: "revoked node certificate serials, comma-separated or repeated (reloadable)"),
        .list(
            "advertisedEndpoints", "advertise", "RELAY_ADVERTISE", \.advertisedEndpoints, reloadable: true,
            help: "endpoints sent to clients, host:port or [v6]:port (reloadable; default: the listen addresses, "
                + "or every non-loopback interface address for a wildcard listen address)"),
        .string(
            "coordinatorURL", "coordinator", "RELAY_COORDINATOR", \.coordinatorURL,
            help: "tailnet coordinator URL; the relay then long-polls its revocation list (authenticating with its "
                + "relay certificate) and ends sessions of revoked nodes at once (default: none, revocations only "
                + "from revokedSerials)"),
        .string(
            "coordinatorCAFile", "coordinator-ca-file", "RELAY_COORDINATOR_CA_FILE", \.coordinatorCAFile,
            help: "PEM CA certificate that verifies an https coordinator URL (default: the system trust store)"),
        .string(
            "stateDirectory", "state-dir", "RELAY_STATE_DIR", \.stateDirectory,
            help: "directory where the relay keeps the last good revocation list (revocations.json) across restarts "
                + "and coordinator outages (default: none, kept in memory only)"),
        .int(
            "revocationsWaitSeconds", "revocations-wait", "RELAY_REVOCATIONS_WAIT", \.revocationsWaitSeconds,
            range: 1...300,
            help: "longest wait of one revocation long poll at the coordinator (default "
                + "\(value(\.revocationsWaitSeconds)))"),
        .int(
            "maxSessions", "max-sessions", "RELAY_MAX_SESSIONS", \.maxSessions, range: 1...16_000_000,
            reloadable: true, help: "global session cap (default \(value(\.maxSessions))) (reloadable)"),
        .int(
            "maxSessionsPerNode", "max-sessions-per-node", "RELAY_MAX_SESSIONS_PER_NODE", \.maxSessionsPerNode,
            range: 1...16_000_000, reloadable: true,
            help:
                "sessions one node key may have allocated at once (default \(value(\.maxSessionsPerNode))) (reloadable)"
        ),
        .int(
            "idleTimeoutSeconds", "idle-timeout", "RELAY_IDLE_TIMEOUT", \.idleTimeoutSeconds,
            range: 1...604_800, reloadable: true,
            help: "seconds a bound session may stay idle before it is removed (default \(value(\.idleTimeoutSeconds))) "
                + "(reloadable)"),
        .int(
            "bindTimeoutSeconds", "bind-timeout", "RELAY_BIND_TIMEOUT", \.bindTimeoutSeconds, range: 1...3600,
            reloadable: true,
            help: "seconds an allocated session has to get both sides bound (default \(value(\.bindTimeoutSeconds))) "
                + "(reloadable)"
        ),
        .double(
            "allocationsPerSecond", "allocation-rate", "RELAY_ALLOCATION_RATE", \.allocationsPerSecond,
            reloadable: true,
            help: "Allocate requests per second per source IP (default \(value(\.allocationsPerSecond))) "
                + "(reloadable)"),
        .int(
            "allocationBurst", "allocation-burst", "RELAY_ALLOCATION_BURST", \.allocationBurst, range: 1...100_000,
            reloadable: true,
            help: "burst of Allocate requests per source IP (default \(value(\.allocationBurst))) (reloadable)"),
        .double(
            "bindsPerSecond", "bind-rate", "RELAY_BIND_RATE", \.bindsPerSecond,
            reloadable: true,
            help: "Bind/Answer messages per second per source IP (default \(value(\.bindsPerSecond))) "
                + "(reloadable)"),
        .int(
            "bindBurst", "bind-burst", "RELAY_BIND_BURST", \.bindBurst, range: 1...100_000,
            reloadable: true,
            help: "burst of Bind/Answer messages per source IP (default \(value(\.bindBurst))) (reloadable)"),
        .string(
            "logFormat", "log-format", "RELAY_LOG_FORMAT", \.logFormat,
            help: "text or json (default \(value(\.logFormat)))"),
        .string(
            "logLevel", "log-level", "RELAY_LOG_LEVEL", \.logLevel,
            help: "trace, debug, info, notice, warning, error or critical (default \(value(\.logLevel)))"),
        .int(
            "reloadIntervalMilliseconds", "reload-interval-ms", "RELAY_RELOAD_INTERVAL_MS",
            \.reloadIntervalMilliseconds, range: 100...600_000,
            help: "how often the config file and the files it names are checked for changes (default "
                + "\(value(\.reloadIntervalMilliseconds)))"),
    ]

    /// The default of a setting, as help text shows it (``RelaySettings/defaults``).
    private static func value<Value>(_ path: KeyPath<RelaySettings, Value?>) -> String {
        RelaySettings.defaults[keyPath: path].map { value in
            if let number = value as? Double, number.rounded() == number { return String(Int(number)) }
            return "\(value)"
        } ?? "none"
    }

    private static func list(_ path: KeyPath<RelaySettings, [String]?>) -> String {
        RelaySettings.defaults[keyPath: path]?.joined(separator: ",") ?? "none"
    }

    /// The environment variable naming the config file.
    public static let configFileVariable = "RELAY_CONFIG"

    /// The field for a config-file key.
    public static func field(key: String) -> RelaySettingField? {
        all.first { $0.key == key }
    }

    /// The field for a flag (without dashes).
    public static func field(flag: String) -> RelaySettingField? {
        all.first { $0.flag == flag }
    }
}
