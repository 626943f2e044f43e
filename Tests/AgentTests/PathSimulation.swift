import Agent
import RelayCore

/// A deterministic network for `PeerPaths`: time advances in 10 ms steps; each path is up or down with an RTT;
/// pings on an up path come back as pongs one RTT later; relay allocations succeed after 20 ms when the relay is up
/// (or fail as told). The peer side is modelled, not run: what `PeerPaths` decides is all that is under test.
/// No sockets, no clock: `now` is a number.
struct PathSimulation {
    var paths: PeerPaths
    var now = Timestamp(nanoseconds: 1_000_000_000_000)
    /// Per path: up, and round-trip time.
    var network: [PathID: (up: Bool, rtt: Duration)] = [:]
    /// Relay behaviour for allocations: nil = answers; otherwise the failure to report.
    var relayRefusal: [String: RelayFailure] = [:]
    /// Relays that lost their sessions (restart): pings through them vanish until the next allocation.
    var relaySessionsLost: Set<String> = []
    var inFlight: [(at: Timestamp, event: Event)] = []
    var switches: [PathSwitch] = []
    var actionsSeen: [PathAction] = []
    /// Longest stretch without a delivered data packet while sending (`sendData`), and the last delivery time.
    var longestGap: Duration = .zero
    var lastDelivery: Timestamp?
    var deliveredVia: [PathKind: Int] = [:]
    /// When each relay allocation was asked for, by relay.
    var allocations: [String: [Timestamp]] = [:]
    /// The random unit every relay failure draws its retry jitter with (deterministic runs).
    var jitterUnit = 0.5

    enum Event {
        case pong(TransactionID, PathKind)
        case relayReady(String)
        case relayFailed(String, RelayFailure)
    }

    init(policy: PathPolicy = PathPolicy(), forced: PathKind? = nil) {
        paths = PeerPaths(peer: PrivateKey.generate().publicKey, policy: policy, forced: forced)
    }

    mutating func candidates(
        direct: [String], relays: [String], fallback: String? = "default", revisions: [String: String] = [:]
    ) {
        let actions = paths.setCandidates(
            direct: direct.map { EndpointAddress($0)! },
            relays: relays.map { (id: $0, name: $0, revision: revisions[$0] ?? "203.0.113.9:40000") },
            fallback: fallback, now: now)
        record(actions)
        if fallback != nil { paths.setFallbackConnected(true) }
    }

    mutating func set(_ path: PathID, up: Bool, rtt: Duration = .milliseconds(10)) {
        network[path] = (up, rtt)
    }

    /// Advances `duration` in 10 ms steps; ticks every 100 ms; when `sendData`, WireGuard sends every 10 ms.
    mutating func run(_ duration: Duration, sendData: Bool = true) {
        let end = now + duration
        var step = 0
        while now < end {
            now = now + .milliseconds(10)
            step += 1
            deliver()
            if step % 10 == 0 { record(paths.tick(at: now)) }
            if sendData { send() }
        }
    }

    mutating func send() {
        paths.noteOutbound(at: now)
        let delivered = paths.dataPaths(at: now).first { path in
            guard let link = network[path], link.up else { return false }
            if case .relay(let id) = path { return !relaySessionsLost.contains(id) }
            return true
        }
        if let delivered {
            if let last = lastDelivery { longestGap = max(longestGap, now - last) }
            lastDelivery = now
            deliveredVia[delivered.kind, default: 0] += 1
        }
    }

    mutating func deliver() {
        let due = inFlight.filter { $0.at <= now }
        inFlight.removeAll { $0.at <= now }
        for item in due {
            switch item.event {
            case .pong(let transaction, let kind):
                record(paths.handlePong(transaction, via: kind, now: now) ?? [])
            case .relayReady(let id):
                relaySessionsLost.remove(id)
                paths.relayReady(id, vni: 1000, idleTimeout: .seconds(30), now: now)
            case .relayFailed(let id, let failure):
                record(paths.relayFailed(id, failure, now: now, randomUnit: jitterUnit))
            }
        }
    }

    mutating func record(_ actions: [PathAction]) {
        actionsSeen += actions
        for action in actions {
            switch action {
            case .ping(let path, let transaction):
                guard let link = network[path], link.up else { continue }
                if case .relay(let id) = path, relaySessionsLost.contains(id) { continue }
                inFlight.append((now + link.rtt, .pong(transaction, path.kind)))
            case .allocateRelay(let id):
                allocations[id, default: []].append(now)
                if let refusal = relayRefusal[id] {
                    inFlight.append((now + .milliseconds(20), .relayFailed(id, refusal)))
                } else if network[.relay(id)]?.up == true {
                    inFlight.append((now + .milliseconds(20), .relayReady(id)))
                } else {
                    inFlight.append((now + .seconds(3), .relayFailed(id, .noAnswer(endpoint: "203.0.113.9:40000"))))
                }
            case .switched(let change):
                switches.append(change)
            case .callMeMaybe:
                break
            }
        }
    }

    var active: PathID? { paths.active }
}
