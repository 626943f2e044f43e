/// Session caps, timeouts and rate limits of the relay.
public struct RelayLimitSettings: Sendable, Equatable {
    public var maxSessions: Int = 100_000
    public var maxSessionsPerNode: Int = 256
    public var idleTimeout: Duration = .seconds(1800)
    public var bindTimeout: Duration = .seconds(30)
    public var allocationsPerSecond: Double = 20
    public var allocationBurst: Int = 40
    public var bindsPerSecond: Double = 50
    public var bindBurst: Int = 100

    public init() {}
}
