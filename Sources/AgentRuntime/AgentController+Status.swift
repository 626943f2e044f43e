import Agent
import RelayCore
import Tailnet

extension AgentController {
    /// The status `relayctl status` shows.
    func status() -> AgentStatus {
        let now = MonotonicClock.now()
        let handshakes = (try? wireGuard.peerStatus()) ?? [:]
        let peerList = peers.values.sorted { $0.info.name < $1.info.name }.map { entry in
            let wg = handshakes[entry.wireGuardKey]
            return AgentStatus.Peer(
                name: entry.info.name, address: entry.info.address, controlKey: entry.paths.peer.base64,
                path: entry.paths.report(at: now),
                bytesSent: entry.traffic.bytesOut.reduce(into: [:]) { $0[$1.key.description] = $1.value },
                bytesReceived: entry.traffic.bytesIn.reduce(into: [:]) { $0[$1.key.description] = $1.value },
                lastHandshake: wg?.lastHandshake)
        }
        return AgentStatus(
            name: identity.registration.name, address: identity.registration.address,
            endpoints: endpoints.map(\.description), fallbackConnected: fallbackConnected, peers: peerList)
    }

    /// Pings `name` (peer name, tailnet address or control key) on every usable path at once and returns the
    /// first path that answers with its RTT, waiting at most `timeout`.
    func ping(_ name: String, timeout: Duration) async -> LocalAPIResponse {
        guard
            let (control, entry) = peers.first(where: {
                $0.value.info.name == name || $0.value.info.address == name || $0.key.base64 == name
            })
        else {
            return .failure("no peer named \(name) in the netmap; see `relayctl status`")
        }
        let group = Int.random(in: 0...Int.max)
        let now = MonotonicClock.now()
        let paths = entry.paths.candidates.values.filter { $0.isUsable }.map(\.id)
        guard !paths.isEmpty else { return .failure("peer \(name) has no usable path yet") }
        let result: (PathID, Duration)? = await withCheckedContinuation { continuation in
            var first = true
            for path in paths {
                let transaction = TransactionID.random()
                cliPings[transaction] = CLIPing(
                    path: path, sentAt: now, waiter: first ? continuation : nil, group: group)
                first = false
                sendProbe(.ping(PingMessage(transactionID: transaction)), on: path, to: control)
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.expireCLIPings(group: group)
            }
        }
        guard let (path, rtt) = result else {
            return .failure("no answer from \(name) on any path within \(timeout.secondsText) s")
        }
        let label = entry.paths.candidates[path]?.label ?? path.description
        return .pong(
            AgentPong(peer: entry.info.name, path: "\(path.kind) \(label)", rttMilliseconds: Double(rtt.milliseconds)))
    }

    func expireCLIPings(group: Int) {
        for (id, ping) in cliPings where ping.group == group {
            cliPings[id] = nil
            ping.waiter?.resume(returning: nil)
        }
    }

    /// Forces a path kind for one peer (by name) or all ("*"); nil clears it.
    func force(_ kind: PathKind?, peer name: String) -> LocalAPIResponse {
        let now = MonotonicClock.now()
        var matched = 0
        for control in peers.keys where name == "*" || peers[control]!.info.name == name {
            matched += 1
            perform(peers[control]!.paths.force(kind, now: now), peer: control)
        }
        forced[name] = kind
        pushRoutes(now: now)
        return matched > 0 || name == "*" ? .ok : .failure("no peer named \(name)")
    }
}
