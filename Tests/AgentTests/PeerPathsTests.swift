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

    @Test func refusedRelaysAreRetriedWithBackoff() {
        var sim = PathSimulation()
        sim.relayRefusal["edge-0"] = .refused(code: 9, message: "relay at capacity")
        sim.candidates(direct: [], relays: ["edge-0"])
        sim.set(Self.fallback, up: true)
        sim.run(.seconds(60))
        let attempts = sim.actionsSeen.filter { $0 == .allocateRelay(relayID: "edge-0") }.count
        // 5 s, 10 s, 20 s, 40 s backoff: 0, 5, 15, 35 → 4 attempts in a minute, not 12.
        #expect(attempts == 4)
        sim.relayRefusal["edge-0"] = nil
        sim.set(Self.edge0, up: true)
        sim.run(.seconds(60))
        #expect(sim.active == Self.edge0)
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
