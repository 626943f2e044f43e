import Fallback
import FallbackClient
import NIOCore
import NIOPosix
import RelayClient
import RelayCore

/// One measured window of one path.
struct ThroughputSample {
    var path: String
    var size: Int
    var packetsPerSecond: Double
    var gigabitsPerSecond: Double
    var line: String {
        "\(path.padding(8)) size=\(size) pps=\(Int(packetsPerSecond)) Gbit/s=\(format(gigabitsPerSecond, 3))"
    }
}

/// Drives a path with a bounded number of packets in flight (credit: sent − received ≤ window), so neither path
/// drops packets and both are measured at the rate the receiver actually gets them.
func measure(
    path: String, size: Int, window: Int, duration: Duration, warmup: Duration, counter: PacketCounter,
    send: (Int) throws -> Void
) async throws -> ThroughputSample {
    let clock = ContinuousClock()
    let start = clock.now
    var sent = 0
    var measuredFrom: (ContinuousClock.Instant, Int, Int)?
    let base = counter.packets
    var lastProgress = (clock.now, counter.packets)
    while clock.now - start < warmup + duration {
        if measuredFrom == nil, clock.now - start >= warmup {
            measuredFrom = (clock.now, counter.packets, counter.bytes)
        }
        let inFlight = sent - (counter.packets - base)
        if inFlight < window {
            let burst = min(window - inFlight, 64)
            try send(burst)
            sent += burst
        } else {
            // Timer sleeps are far coarser than a packet time on a loaded machine: yield instead.
            await Task.yield()
            if counter.packets != lastProgress.1 {
                lastProgress = (clock.now, counter.packets)
            } else if clock.now - lastProgress.0 > .milliseconds(200) {
                // Nothing arrived for 200 ms: a packet was lost; give the window back rather than stall.
                sent = counter.packets - base
                lastProgress = (clock.now, counter.packets)
            }
        }
    }
    let end = clock.now
    guard let (from, packets, bytes) = measuredFrom else { throw BenchError("no measuring window") }
    let seconds = Double((end - from).components.seconds) + Double((end - from).components.attoseconds) / 1e18
    let pps = Double(counter.packets - packets) / seconds
    let gbps = Double(counter.bytes - bytes) * 8 / seconds / 1e9
    // Let the pipe drain before the next window.
    for _ in 0..<500 where counter.packets - base < sent { try await Task.sleep(for: .milliseconds(2)) }
    return ThroughputSample(path: path, size: size, packetsPerSecond: pps, gigabitsPerSecond: gbps)
}

/// Relayed and direct throughput for one packet size, in the order relay, direct, direct, relay.
func throughput(
    port: Int, identities: (RelayIdentity, RelayIdentity), size: Int, window: Int, duration: Duration,
    output: (String) -> Void
) async throws -> (relay: [ThroughputSample], direct: [ThroughputSample]) {
    let group = MultiThreadedEventLoopGroup.singleton
    let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
    let relayCounter = PacketCounter()
    var receiving = FallbackClientConfiguration()
    receiving.packetHandler = { _, payload, _ in relayCounter.add(bytes: payload.readableBytes) }
    let a = try await FallbackConnection.connect(to: endpoint, identity: identities.0)
    let b = try await FallbackConnection.connect(to: endpoint, identity: identities.1, configuration: receiving)
    let direct = try await DirectPath.open(group: group)
    let payload = [UInt8](repeating: 0x5A, count: size)
    let destination = identities.1.publicKey
    var relay: [ThroughputSample] = []
    var straight: [ThroughputSample] = []
    for path in ["relay", "direct", "direct", "relay"] {
        let sample: ThroughputSample
        if path == "relay" {
            sample = try await measure(
                path: path, size: size, window: window, duration: duration, warmup: .milliseconds(500),
                counter: relayCounter
            ) { count in
                for _ in 0..<count { try a.send(to: destination, payload: payload) }
            }
            relay.append(sample)
        } else {
            sample = try await measure(
                path: path, size: size, window: window, duration: duration, warmup: .milliseconds(500),
                counter: direct.counter
            ) { count in direct.send(count: count, to: destination, payload: payload) }
            straight.append(sample)
        }
        output(sample.line)
    }
    if a.locallyDropped > 0 { output("note: \(a.locallyDropped) packets dropped in the sending client's queue") }
    await a.close()
    await b.close()
    await direct.close()
    return (relay, straight)
}

func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (value * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(abs(scaled.truncatingRemainder(dividingBy: scale)))
    let digits = String(fraction)
    return decimals == 0 ? "\(whole)" : "\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
