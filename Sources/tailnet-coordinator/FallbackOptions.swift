import ArgumentParser
import FallbackServer
import RelayCore
import Tailnet

/// Options shared by `serve` (embedded fallback relay) and `fallback` (standalone regional relay).
struct FallbackOptions: ParsableArguments {
    @Option(help: "Region name of this fallback relay (netmap, /debug/fallback).")
    var fallbackRegion = "default"

    @Option(help: "Data packets queued per fallback client before the oldest is dropped.")
    var fallbackQueueDepth = 64

    @Option(help: "Per-client fallback receive limit in bytes per second (0: none).")
    var fallbackRateLimit: Double = 0

    @Option(help: "Per-client fallback burst in bytes (default: one second's worth, at least 64 KiB).")
    var fallbackRateBurst: Double?

    @Option(help: "Seconds between fallback keepalives.")
    var fallbackKeepalive: Int = 60

    func validate() throws {
        guard !fallbackRegion.isEmpty else { throw ValidationError("--fallback-region must not be empty") }
        guard (1...100_000).contains(fallbackQueueDepth) else {
            throw ValidationError("--fallback-queue-depth must be 1…100000")
        }
        guard fallbackRateLimit >= 0 else { throw ValidationError("--fallback-rate-limit must be ≥ 0") }
        guard (5...3600).contains(fallbackKeepalive) else {
            throw ValidationError("--fallback-keepalive must be 5…3600")
        }
    }

    var configuration: FallbackServerConfiguration {
        let rate: RateLimit? =
            fallbackRateLimit > 0
            ? RateLimit(
                perSecond: fallbackRateLimit,
                burst: max(fallbackRateBurst ?? fallbackRateLimit, Double(65_536 + 37)))
            : nil
        return FallbackServerConfiguration(
            region: fallbackRegion, dataQueueDepth: fallbackQueueDepth,
            keepaliveInterval: .seconds(fallbackKeepalive), idleTimeout: .seconds(fallbackKeepalive * 5 / 2),
            rateLimit: rate)
    }
}

/// A `REGION=URL` fallback relay listed in netmaps.
struct FallbackRelayArgument: ExpressibleByArgument {
    var relay: FallbackRelay

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty,
            parts[1].hasPrefix("https://") || parts[1].hasPrefix("http://") || parts[1].hasPrefix("wss://")
                || parts[1].hasPrefix("ws://")
        else { return nil }
        relay = FallbackRelay(region: String(parts[0]), url: String(parts[1]))
    }
}
