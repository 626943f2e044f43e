extension RelaySettings {
    /// Every default of relay-server, defined once: the value used when no layer sets a field, and the value its
    /// `--help`, docs and the operator's documentation quote. The session limits come from ``RelayLimits``'s
    /// defaults.
    ///
    /// Left `nil` because they have no fixed default: `privateKeyFile`, `certificateFile` and the CA keys (required),
    /// `sockets` (the number of cores), `advertisedEndpoints` (derived from the listen addresses and interfaces),
    /// `caKeyFiles` and `revokedSerials` (none), `coordinatorURL`, `coordinatorCAFile` and `stateDirectory` (none:
    /// no coordinator, revocations only from the settings).
    public static let defaults: RelaySettings = {
        var settings = RelaySettings()
        settings.listenAddresses = ["0.0.0.0", "::"]
        settings.port = 40000
        settings.readBatch = 32
        settings.socketBufferBytes = 4 << 20
        settings.maxDatagramBytes = 2048
        // GRO+GSO pay several times over for GSO trains and cost nothing measurable otherwise (docs/benchmarks.md);
        // a kernel without them, or a refused GSO write, falls back to datagram by datagram.
        settings.udpGRO = true
        settings.udpGSO = true
        settings.batchedIO = true
        settings.adminAddress = "0.0.0.0"
        settings.adminPort = 9090
        let limits = RelayLimits()
        settings.maxSessions = limits.maxSessions
        settings.maxSessionsPerNode = limits.maxSessionsPerNode
        settings.idleTimeoutSeconds = Int(limits.idleTimeout.components.seconds)
        settings.bindTimeoutSeconds = Int(limits.bindTimeout.components.seconds)
        settings.allocationsPerSecond = limits.allocateRate.perSecond
        settings.allocationBurst = Int(limits.allocateRate.burst)
        settings.bindsPerSecond = limits.bindRate.perSecond
        settings.bindBurst = Int(limits.bindRate.burst)
        settings.logFormat = "text"
        settings.logLevel = "info"
        settings.reloadIntervalMilliseconds = 1000
        settings.revocationsWaitSeconds = 25
        return settings
    }()

    /// The session limits these settings give, each field this layer leaves `nil` taken from `base`.
    public func limits(over base: RelayLimits = RelayLimits()) -> RelayLimits {
        var limits = base
        if let maxSessions { limits.maxSessions = maxSessions }
        if let maxSessionsPerNode { limits.maxSessionsPerNode = maxSessionsPerNode }
        if let idleTimeoutSeconds { limits.idleTimeout = .seconds(idleTimeoutSeconds) }
        if let bindTimeoutSeconds { limits.bindTimeout = .seconds(bindTimeoutSeconds) }
        if allocationsPerSecond != nil || allocationBurst != nil {
            limits.allocateRate = RateLimit(
                perSecond: allocationsPerSecond ?? base.allocateRate.perSecond,
                burst: allocationBurst.map(Double.init) ?? base.allocateRate.burst)
        }
        if bindsPerSecond != nil || bindBurst != nil {
            limits.bindRate = RateLimit(
                perSecond: bindsPerSecond ?? base.bindRate.perSecond,
                burst: bindBurst.map(Double.init) ?? base.bindRate.burst)
        }
        return limits
    }
}
