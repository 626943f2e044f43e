import CoreMetrics
import RelayCore

/// Plain per-socket counters accumulated during one read burst and added to ``RelayMetrics`` once, in
/// `channelReadComplete`, so the hot path touches no atomics.
struct BurstCounters {
    var forwardedPackets = [0, 0, 0, 0]  // in * 2 + out
    var forwardedBytes = [0, 0, 0, 0]
    var receivedPackets = 0
    var receivedBytes = 0
    var drops: [Int]
    var sendQueueDrops = 0
    var noRouteDrops = 0
    var oversizeDrops = 0
    var stunAnswers = 0
    var trains = 0
    /// Datagrams sent one by one instead of in a GSO write (refused writes, and destinations that refused one).
    var gsoFallbackDatagrams = 0
    var isEmpty = true

    init() {
        drops = Array(repeating: 0, count: Int(DropReason.allCases.map(\.rawValue).max() ?? 0) + 1)
    }

    mutating func received(bytes: Int) {
        receivedPackets += 1
        receivedBytes += bytes
        isEmpty = false
    }

    mutating func forwarded(bytes: Int, from input: Transport, to output: Transport) {
        let index = input.rawValue * 2 + output.rawValue
        forwardedPackets[index] += 1
        forwardedBytes[index] += bytes
    }

    mutating func dropped(_ reason: DropReason) {
        drops[Int(reason.rawValue)] += 1
    }

    /// Adds everything to `metrics` and resets.
    mutating func flush(into metrics: RelayMetrics, transport: Transport) {
        guard !isEmpty else { return }
        metrics.receivedPackets[transport.rawValue].increment(by: Int64(receivedPackets))
        metrics.receivedBytes[transport.rawValue].increment(by: Int64(receivedBytes))
        receivedPackets = 0
        receivedBytes = 0
        for index in 0..<4 where forwardedPackets[index] > 0 {
            metrics.forwardedPackets[index / 2][index % 2].increment(by: Int64(forwardedPackets[index]))
            metrics.forwardedBytes[index / 2][index % 2].increment(by: Int64(forwardedBytes[index]))
            forwardedPackets[index] = 0
            forwardedBytes[index] = 0
        }
        for index in drops.indices where drops[index] > 0 {
            metrics.drops[index].increment(by: Int64(drops[index]))
            drops[index] = 0
        }
        if sendQueueDrops > 0 {
            metrics.sendQueueDrops.increment(by: Int64(sendQueueDrops))
            sendQueueDrops = 0
        }
        if noRouteDrops > 0 {
            metrics.noRouteDrops.increment(by: Int64(noRouteDrops))
            noRouteDrops = 0
        }
        if trains > 0 {
            metrics.receivedTrains[transport.rawValue].increment(by: Int64(trains))
            trains = 0
        }
        if stunAnswers > 0 {
            metrics.stunAnswers.increment(by: Int64(stunAnswers))
            stunAnswers = 0
        }
        if gsoFallbackDatagrams > 0 {
            metrics.gsoFallbackDatagrams.increment(by: Int64(gsoFallbackDatagrams))
            gsoFallbackDatagrams = 0
        }
        if oversizeDrops > 0 {
            metrics.oversizeDrops.increment(by: Int64(oversizeDrops))
            oversizeDrops = 0
        }
        isEmpty = true
    }
}
