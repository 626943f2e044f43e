import Agent
import RelayCore
import Testing

@Suite struct PeerPathsTests {
    static let direct = PathID.direct(EndpointAddress("198.51.100.7:41641")!)
    static let edge0 = PathID.relay("edge-0")
    static let edge1 = PathID.relay("edge-1")
    static let fallback = PathID.fallback("default")

    func allUp() -> PathSimulation {
        var sim = PathSimulation()
        sim.candidates(direct: ["198.51.100.7:41641"], relays: ["edge-0"])
        sim.set(Self.direct, up: true, rtt: .milliseconds(30))
        sim.set(Self.edge0, up: true, rtt: .milliseconds(5))
        sim.set(Self.fallback, up: true, rtt: .milliseconds(2))
        return sim
    }

    @Test func directBeatsRelayBeatsFallbackRegardlessOfRTT() {
        var sim = allUp()
        sim.run(.seconds(3))
        #expect(sim.active == Self.direct)
        #expect(sim.longestGap <= .milliseconds(50))

        sim.set(Self.direct, up: false)
        sim.run(.seconds(5))
        #expect(sim.active == Self.edge0)

        sim.set(Self.edge0, up: false)
        sim.run(.seconds(5))
        #expect(sim.active == Self.fallback)
    }

    @Test func failoverLeavesADeadPathWithinTwoSecondsWithoutDelivery() throws {
        for kill in [Self.direct, Self.edge0] {
            var sim = allUp()
            if kill == Self.edge0 { sim.set(Self.direct, up: false) }
            sim.run(.seconds(10))
            #expect(sim.active == kill)
            sim.longestGap = .zero
            sim.set(kill, up: false)
            sim.run(.seconds(10))
            #expect(sim.active != kill)
            #expect(sim.longestGap <= .seconds(2), "gap \(sim.longestGap) after \(kill) died")
            let failover = try #require(sim.switches.last { $0.reason == .failover })
            #expect(failover.from == kill)
            #expect(try #require(failover.quietFor) <= .seconds(2))
        }
    }

    @Test func returnsToTheBetterPathWhenItWorksAgain() throws {
        var sim = allUp()
        sim.set(Self.direct, up: false)
        sim.run(.seconds(5))
        #expect(sim.active == Self.edge0)
        sim.set(Self.direct, up: true)
        let revived = sim.now
        sim.run(.seconds(10))
        #expect(sim.active == Self.direct)
        let upgrade = try #require(sim.switches.last)
        #expect(upgrade.reason == .upgrade)
        // Untrusted candidates are probed every discoveryInterval (2 s): back well within 10 s.
        #expect(sim.actionsSeen.count > 0)
        _ = revived
    }

    @Test func relaysAreStickyUnlessClearlyBetter() {
        var sim = PathSimulation()
        sim.candidates(direct: [], relays: ["edge-0", "edge-1"])
        sim.set(Self.edge0, up: true, rtt: .milliseconds(20))
        sim.set(Self.edge1, up: true, rtt: .milliseconds(30))
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(3))
        #expect(sim.active == Self.edge0)
        // edge-1 becomes a little faster: not clearly better (needs ≤ 0.7× and ≥ 5 ms): stay.
        sim.set(Self.edge1, up: true, rtt: .milliseconds(17))
        sim.run(.seconds(10))
        #expect(sim.active == Self.edge0)
        // Clearly faster: switch.
        sim.set(Self.edge1, up: true, rtt: .milliseconds(4))
        sim.run(.seconds(10))
        #expect(sim.active == Self.edge1)
        #expect(sim.switches.last?.reason == .fasterPath)
    }

    @Test func relayRestartIsReallocatedAndTrafficReturnsToTheRelay() throws {
        var sim = PathSimulation()
        sim.candidates(direct: ["198.51.100.7:41641"], relays: ["edge-0"])
        sim.set(Self.edge0, up: true)
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(3))
        #expect(sim.active == Self.edge0)
        let allocations = sim.actionsSeen.filter { $0 == .allocateRelay(relayID: "edge-0") }.count
        #expect(allocations == 1)

        // The relay restarts and forgets every session: the pings through it vanish.
        sim.relaySessionsLost.insert("edge-0")
        sim.longestGap = .zero
        sim.run(.seconds(10))
        #expect(sim.actionsSeen.filter { $0 == .allocateRelay(relayID: "edge-0") }.count == allocations + 1)
        #expect(sim.active == Self.edge0, "back on the relay after re-allocation")
        #expect(sim.switches.contains { $0.reason == .failover && $0.to == Self.fallback })
        #expect(sim.longestGap <= .seconds(2))
    }

    @Test func idleLongerThanTheRelayIdleTimeoutResumesAtOnce() {
        var sim = PathSimulation()
        sim.candidates(direct: [], relays: ["edge-0"])
        sim.set(Self.edge0, up: true)
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(3))
        #expect(sim.active == Self.edge0)
        let before = sim.actionsSeen.count
        sim.run(.seconds(600), sendData: false)
        // Keepalives went through the relay at least every idleTimeout / 3 (30 s / 3 = 10 s): the session lives.
        let keepalives = sim.actionsSeen[before...].filter {
            if case .ping(Self.edge0, _) = $0 { return true }
            return false
        }.count
        #expect(keepalives >= 59)
        #expect(!sim.actionsSeen[before...].contains(.allocateRelay(relayID: "edge-0")))
        // Traffic resumes: the first packet already has a path (last active + fallback), the relay is trusted
        // again within one RTT.
        #expect(!sim.paths.dataPaths(at: sim.now).isEmpty)
        sim.longestGap = .zero
        sim.lastDelivery = sim.now
        sim.run(.seconds(2))
        #expect(sim.longestGap <= .milliseconds(20))
        #expect(sim.paths.dataPaths(at: sim.now) == [Self.edge0])
    }

    @Test func forcePathOverridesTheOrderAndSaysSo() {
        var sim = allUp()
        sim.run(.seconds(3))
        #expect(sim.active == Self.direct)
        sim.record(sim.paths.force(.relay, now: sim.now))
        #expect(sim.active == Self.edge0)
        #expect(sim.switches.last?.reason == .forced)
        sim.run(.seconds(3))
        #expect(sim.active == Self.edge0)
        let report = sim.paths.report(at: sim.now)
        #expect(report.forced == "relay")
        #expect(report.whyNotBetter.contains("direct 198.51.100.7:41641: not used: --force-path relay"))
        // Forced relay never spills to the fallback, even when the relay dies.
        sim.set(Self.edge0, up: false)
        sim.run(.seconds(5))
        #expect(!sim.paths.dataPaths(at: sim.now).contains(Self.fallback))
        sim.record(sim.paths.force(nil, now: sim.now))
        sim.run(.seconds(3))
        #expect(sim.active == Self.direct)
    }

    @Test func explainsWhyBetterPathsAreNotUsed() throws {
        var sim = PathSimulation()
        sim.relayRefusal["edge-0"] = .refused(code: 7, message: "certificate revoked")
        sim.candidates(direct: ["198.51.100.7:41641"], relays: ["edge-0"])
        sim.set(Self.direct, up: false)
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(6))
        #expect(sim.active == Self.fallback)
        let report = sim.paths.report(at: sim.now)
        #expect(report.activeKind == "fallback")
        let direct = try #require(report.whyNotBetter.first { $0.hasPrefix("direct") })
        #expect(direct.contains("no answer from 198.51.100.7:41641 for 5.9 s"), "\(direct)")
        #expect(direct.contains("endpoint-dependent NAT"))
        let relay = try #require(report.whyNotBetter.first { $0.hasPrefix("relay") })
        #expect(relay.hasPrefix("relay edge-0: refused: certificate revoked"), "\(relay)")

        var bare = PathSimulation()
        bare.candidates(direct: [], relays: [])
        bare.run(.seconds(1))
        let lines = bare.paths.report(at: bare.now).whyNotBetter
        #expect(lines.contains { $0.hasPrefix("direct: the peer published no endpoints") })
        #expect(lines.contains { $0.hasPrefix("relay: no peer relay in the netmap") })
    }

    /// Runs until `path` is active, in 100 ms steps, at most `limit`; returns how long that took.
    func waitUntilActive(_ path: PathID, _ sim: inout PathSimulation, limit: Duration) -> Duration {
        var waited = Duration.zero
        while sim.active != path, waited < limit {
            sim.run(.milliseconds(100))
            waited += .milliseconds(100)
        }
        return waited
    }

    @Test func onADirectPathAFailingRelayBacksOffAsBefore() throws {
        var sim = PathSimulation()
        sim.relayRefusal["edge-0"] = .refused(code: 9, message: "relay at capacity")
        sim.candidates(direct: ["198.51.100.7:41641"], relays: ["edge-0"])
        sim.set(Self.direct, up: true, rtt: .milliseconds(30))
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(60))
        #expect(sim.active == Self.direct)
        let starts = try #require(sim.allocations["edge-0"])
        // 5 s, 10 s, 20 s, 40 s backoff: 0, 5, 15, 35 → 4 attempts in a minute, not 12.
        #expect(starts.count == 4)
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
        for (gap, backoff) in zip(gaps, [5, 10, 20] as [Int64]) {
            #expect(gap >= .seconds(backoff) && gap <= .seconds(backoff) + .milliseconds(200), "\(gaps)")
        }

        // The direct path dies: the peer is on the fallback now, and the relay is tried within a tick of that,
        // not when the backoff says (40 s after the last attempt, 75 s in).
        sim.set(Self.direct, up: false)
        let died = sim.now
        sim.run(.seconds(10))
        #expect(sim.active == Self.fallback)
        let later = (sim.allocations["edge-0"] ?? []).filter { $0 > died }
        let first = try #require(later.first)
        #expect(first - died <= .milliseconds(2500), "trust window (1.5 s) + a tick, was \(first - died)")
        #expect(later.count >= 3, "every 3–5 s on the fallback: \(later.count) attempts in 10 s")
        sim.relayRefusal["edge-0"] = nil
        sim.set(Self.edge0, up: true)
        #expect(waitUntilActive(Self.edge0, &sim, limit: .seconds(10)) <= .milliseconds(5500))
    }

    @Test func onTheFallbackAFailingRelayIsRetriedAtLeastEveryFiveSeconds() throws {
        let failures: [RelayFailure?] = [nil, .refused(code: 9, message: "relay at capacity")]
        for refusal in failures {
            for unit in [0.0, 0.5, 0.99] {
                var sim = PathSimulation()
                sim.jitterUnit = unit
                sim.relayRefusal["edge-0"] = refusal
                // edge-0 is down (not in the network): each attempt reports "no answer" after 3 s; or it refuses.
                sim.candidates(direct: [], relays: ["edge-0"])
                sim.set(Self.fallback, up: true)
                sim.run(.seconds(120))
                #expect(sim.active == Self.fallback)
                let starts = try #require(sim.allocations["edge-0"])
                #expect(starts.count >= 23, "\(starts.count) attempts in 120 s (\(String(describing: refusal)))")
                for gap in zip(starts.dropFirst(), starts).map({ $0 - $1 }) {
                    // At most 5 s between the starts of two attempts (+ the 100 ms tick), never under 3 s.
                    #expect(gap >= .seconds(3) && gap <= .milliseconds(5100), "gap \(gap), jitter unit \(unit)")
                }
                // The relay works again (its pod is Ready): the peer is back on it within one retry period.
                sim.relayRefusal["edge-0"] = nil
                sim.set(Self.edge0, up: true)
                let back = waitUntilActive(Self.edge0, &sim, limit: .seconds(20))
                #expect(back <= .milliseconds(5500), "back on the relay after \(back)")
                #expect(sim.switches.last?.reason == .upgrade)
            }
        }
    }

    @Test func fallbackRetriesAreJitteredWithinBounds() {
        // Many nodes lose the same relay at the same moment; each draws its own unit. Their next attempts start
        // 3–5 s after the failed one did (relayRetryBelowRelay 5 s minus up to relayRetryJitter 2 s), spread over
        // the whole 2 s, never outside it.
        let start = Timestamp(nanoseconds: 1_000_000_000_000)
        var retries: [Duration] = []
        for unit in stride(from: 0.0, to: 1.0, by: 0.02) + [-1, 7] {
            var paths = PeerPaths(peer: PrivateKey.generate().publicKey)
            _ = paths.setCandidates(
                direct: [], relays: [(id: "edge-0", name: "edge-0", revision: "k 203.0.113.9:40000")], fallback: nil,
                now: start)
            #expect(paths.tick(at: start).contains(.allocateRelay(relayID: "edge-0")))
            var now = start + .seconds(3)
            _ = paths.relayFailed("edge-0", .noAnswer(endpoint: "203.0.113.9:40000"), now: now, randomUnit: unit)
            while now < start + .seconds(10), !paths.tick(at: now).contains(.allocateRelay(relayID: "edge-0")) {
                now = now + .milliseconds(10)
            }
            let retry = now - start
            retries.append(retry)
            let expected = Duration.seconds(5) - .seconds(2) * min(max(unit, 0), 1)
            #expect(retry >= expected && retry <= expected + .milliseconds(10) || retry == .seconds(3), "\(unit)")
        }
        #expect(retries.allSatisfy { $0 >= .seconds(3) && $0 <= .seconds(5) }, "\(retries)")
        let spread = retries.max()! - retries.min()!
        #expect(spread >= .milliseconds(1900), "spread \(spread)")
    }

    @Test func aRepublishedRelayIsTriedAtOnceWithItsBackoffReset() throws {
        var sim = PathSimulation()
        sim.relayRefusal["edge-0"] = .refused(code: 9, message: "relay at capacity")
        let old = ["edge-0": "key-A 203.0.113.9:40000"]
        sim.candidates(direct: ["198.51.100.7:41641"], relays: ["edge-0"], revisions: old)
        sim.set(Self.direct, up: true, rtt: .milliseconds(30))
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(40))
        #expect(sim.active == Self.direct)
        // Attempts at 0, 5, 15, 35 s: the backoff now says 40 s.
        let before = try #require(sim.allocations["edge-0"]).count
        #expect(before == 4)
        // The same netmap again changes nothing.
        sim.candidates(direct: ["198.51.100.7:41641"], relays: ["edge-0"], revisions: old)
        sim.run(.seconds(5))
        #expect(sim.allocations["edge-0"]?.count == before)

        // The operator republishes the relay (new key and endpoint): tried at the next tick.
        let republished = sim.now
        sim.candidates(
            direct: ["198.51.100.7:41641"], relays: ["edge-0"], revisions: ["edge-0": "key-B 203.0.113.10:40000"])
        sim.run(.milliseconds(100))
        #expect(sim.allocations["edge-0"]?.count == before + 1)
        // Still refusing: the backoff starts again from 5 s, not 80 s.
        sim.run(.seconds(6))
        let after = (sim.allocations["edge-0"] ?? []).filter { $0 > republished }
        #expect(after.count == 2)
        if after.count == 2 {
            #expect(after[1] - after[0] <= .milliseconds(5200))
        }
        #expect(sim.active == Self.direct)
    }

    @Test func removedPeerOrRelayEndsItsPaths() {
        var sim = allUp()
        sim.set(Self.direct, up: false)
        sim.run(.seconds(3))
        #expect(sim.active == Self.edge0)
        sim.candidates(direct: ["198.51.100.7:41641"], relays: [])
        #expect(sim.switches.last?.reason == .removed)
        #expect(sim.switches.last?.from == Self.edge0)
        sim.candidates(direct: [], relays: [], fallback: nil)
        #expect(sim.active == nil)
        #expect(sim.paths.candidates.isEmpty)
        #expect(sim.paths.dataPaths(at: sim.now).isEmpty)
    }

    @Test func callMeMaybeLearnsEndpointsAndPingsThemAtOnce() throws {
        var sim = PathSimulation()
        sim.candidates(direct: [], relays: [])
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(1))
        #expect(sim.actionsSeen.contains(.callMeMaybe), "no direct path: ask the peer to punch")
        let punched = PathID.direct(EndpointAddress("203.0.113.50:61000")!)
        sim.set(punched, up: true)
        let actions = sim.paths.handleCallMeMaybe([EndpointAddress("203.0.113.50:61000")!], now: sim.now)
        #expect(actions.contains { if case .ping(punched, _) = $0 { true } else { false } })
        sim.record(actions)
        sim.run(.milliseconds(200))
        #expect(sim.active == punched)
        let before = sim.actionsSeen.count
        sim.run(.seconds(10))
        #expect(!sim.actionsSeen[before...].contains(.callMeMaybe), "no CallMeMaybe while direct works")
    }

    @Test func pongsMustMatchAPingAndItsPathKind() {
        var paths = PeerPaths(peer: PrivateKey.generate().publicKey)
        let now = Timestamp(nanoseconds: 0)
        _ = paths.setCandidates(direct: [EndpointAddress("192.0.2.1:1")!], relays: [], fallback: "default", now: now)
        paths.setFallbackConnected(true)
        paths.noteOutbound(at: now)
        let pings = paths.tick(at: now).compactMap { action -> (PathID, TransactionID)? in
            if case .ping(let path, let id) = action { return (path, id) }
            return nil
        }
        let directPing = try! #require(pings.first { $0.0.kind == .direct })
        #expect(paths.handlePong(.random(), via: .direct, now: now) == nil)
        #expect(
            paths.handlePong(directPing.1, via: .fallback, now: now) == nil,
            "a pong via the fallback proves nothing direct")
        #expect(paths.handlePong(directPing.1, via: .direct, now: now + .milliseconds(3)) != nil)
        #expect(paths.handlePong(directPing.1, via: .direct, now: now) == nil, "replayed pong")
        #expect(paths.active == directPing.0)
        #expect(paths.candidates[directPing.0]?.rtt == .milliseconds(3))
    }
}
