public import ArgumentParser
public import RelayCore

/// relay-server's command-line layer of ``RelaySettings``: one typed option per setting of ``RelaySettingField/all``,
/// with the field's help and environment variable. List options may be repeated or comma-separated.
public struct RelayServerFlags: ParsableArguments {
    @Option(name: .customLong("listen"), help: help("listen")) var listen: [String] = []
    @Option(name: .customLong("port"), help: help("port")) var port: Int?
    @Option(name: .customLong("sockets"), help: help("sockets")) var sockets: Int?
    @Option(name: .customLong("read-batch"), help: help("read-batch")) var readBatch: Int?
    @Option(name: .customLong("socket-buffer-bytes"), help: help("socket-buffer-bytes")) var socketBufferBytes: Int?
    @Option(name: .customLong("max-datagram-bytes"), help: help("max-datagram-bytes")) var maxDatagramBytes: Int?
    @Flag(name: .customLong("udp-gro"), inversion: .prefixedNo, help: help("udp-gro")) var udpGRO: Bool?
    @Flag(name: .customLong("udp-gso"), inversion: .prefixedNo, help: help("udp-gso")) var udpGSO: Bool?
    @Flag(name: .customLong("batched-io"), inversion: .prefixedNo, help: help("batched-io")) var batchedIO: Bool?
    @Option(name: .customLong("admin-address"), help: help("admin-address")) var adminAddress: String?
    @Option(name: .customLong("admin-port"), help: help("admin-port")) var adminPort: Int?
    @Option(name: .customLong("private-key-file"), help: help("private-key-file")) var privateKeyFile: String?
    @Option(name: .customLong("certificate-file"), help: help("certificate-file")) var certificateFile: String?
    @Option(name: .customLong("ca-key"), help: help("ca-key")) var caKey: [String] = []
    @Option(name: .customLong("ca-key-file"), help: help("ca-key-file")) var caKeyFile: [String] = []
    @Option(name: .customLong("revoked-serial"), help: help("revoked-serial")) var revokedSerial: [String] = []
    @Option(name: .customLong("advertise"), help: help("advertise")) var advertise: [String] = []
    @Option(name: .customLong("coordinator"), help: help("coordinator")) var coordinator: String?
    @Option(name: .customLong("coordinator-ca-file"), help: help("coordinator-ca-file")) var coordinatorCAFile: String?
    @Option(name: .customLong("state-dir"), help: help("state-dir")) var stateDir: String?
    @Option(name: .customLong("revocations-wait"), help: help("revocations-wait")) var revocationsWait: Int?
    @Option(name: .customLong("max-sessions"), help: help("max-sessions")) var maxSessions: Int?
    @Option(name: .customLong("max-sessions-per-node"), help: help("max-sessions-per-node")) var maxSessionsPerNode:
        Int?
    @Option(name: .customLong("idle-timeout"), help: help("idle-timeout")) var idleTimeout: Int?
    @Option(name: .customLong("bind-timeout"), help: help("bind-timeout")) var bindTimeout: Int?
    @Option(name: .customLong("allocation-rate"), help: help("allocation-rate")) var allocationRate: Double?
    @Option(name: .customLong("allocation-burst"), help: help("allocation-burst")) var allocationBurst: Int?
    @Option(name: .customLong("bind-rate"), help: help("bind-rate")) var bindRate: Double?
    @Option(name: .customLong("bind-burst"), help: help("bind-burst")) var bindBurst: Int?
    @Option(name: .customLong("log-format"), help: help("log-format")) var logFormat: String?
    @Option(name: .customLong("log-level"), help: help("log-level")) var logLevel: String?
    @Option(name: .customLong("reload-interval-ms"), help: help("reload-interval-ms")) var reloadIntervalMs: Int?

    /// Flags that say nothing (ArgumentParser fills them).
    public init() {}

    static func help(_ flag: String) -> ArgumentHelp {
        guard let field = RelaySettingField.field(flag: flag) else { return ArgumentHelp("") }
        return ArgumentHelp("\(field.help) (env \(field.environmentVariable))")
    }

    /// The settings the flags give, range-checked against ``RelaySettingField/all`` (relay-server reports a bad value
    /// with exit status 64, like a bad environment value).
    public func settings() throws(RelayConfigurationError) -> RelaySettings {
        var settings = RelaySettings()
        settings.port = port
        settings.sockets = sockets
        settings.readBatch = readBatch
        settings.socketBufferBytes = socketBufferBytes
        settings.maxDatagramBytes = maxDatagramBytes
        settings.udpGRO = udpGRO
        settings.udpGSO = udpGSO
        settings.batchedIO = batchedIO
        settings.adminAddress = adminAddress
        settings.adminPort = adminPort
        settings.privateKeyFile = privateKeyFile
        settings.certificateFile = certificateFile
        settings.coordinatorURL = coordinator
        settings.coordinatorCAFile = coordinatorCAFile
        settings.stateDirectory = stateDir
        settings.revocationsWaitSeconds = revocationsWait
        settings.maxSessions = maxSessions
        settings.maxSessionsPerNode = maxSessionsPerNode
        settings.idleTimeoutSeconds = idleTimeout
        settings.bindTimeoutSeconds = bindTimeout
        settings.allocationsPerSecond = allocationRate
        settings.allocationBurst = allocationBurst
        settings.bindsPerSecond = bindRate
        settings.bindBurst = bindBurst
        settings.logFormat = logFormat
        settings.logLevel = logLevel
        settings.reloadIntervalMilliseconds = reloadIntervalMs
        let lists = [
            ("listen", listen), ("ca-key", caKey), ("ca-key-file", caKeyFile), ("revoked-serial", revokedSerial),
            ("advertise", advertise),
        ]
        for (flag, values) in lists {
            guard let field = RelaySettingField.field(flag: flag) else { continue }
            for value in values { try field.apply(value, to: &settings, source: "--\(flag)") }
        }
        for field in RelaySettingField.all { try field.validate(settings, source: "--\(field.flag)") }
        return settings
    }
}
