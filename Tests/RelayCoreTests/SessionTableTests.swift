import Testing

@testable import RelayCore

@Suite struct SessionTableTests {
    @Test func allocateIsIdempotentPerPairAndSequential() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let c = h.client("c", address: "10.0.0.3:3000")
        let vni = try h.allocate(a, peer: b)
        #expect(vni == 1)
        #expect(try h.allocate(b, peer: a, generation: 5) == vni)
        #expect(try h.allocate(a, peer: b, generation: 2) == vni)
        #expect(try h.allocate(a, peer: c) == 2)
        #expect(h.table.sessionCount == 2)
        #expect(h.table.counters.sessionsCreated == 2)
        #expect(h.table.allocatedPerNode[a.publicKey] == 2)
        #expect(h.table.allocatedPerNode[b.publicKey] == 1)
        #expect(h.table.allocatedPerNode[c.publicKey] == nil)
    }

    @Test func allocateResponseCarriesLifetimesAndEndpoints() throws {
        var h = RelayHarness(limits: RelayLimits(idleTimeout: .seconds(600), bindTimeout: .seconds(20)))
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let action = h.send(a.allocate(peer: b.publicKey, generation: 42), from: a.address)
        guard case .reply(let reply, .allocated(let vni, let sender, let peer, true)) = action,
            case .allocateResponse(let response) = try a.open(reply)
        else {
            Issue.record("unexpected \(action)")
            return
        }
        #expect(sender == a.publicKey && peer == b.publicKey)
        #expect(
            response
                == AllocateResponseMessage(
                    generation: 42, vni: vni, bindTimeoutMilliseconds: 20_000, idleTimeoutSeconds: 600,
                    endpoints: [EndpointAddress("192.0.2.1:7000")!]))
    }

    @Test func forwardsOnlyWhenBothSidesAreBound() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.allocate(b, peer: a)
        let data = RelayHarness.data(vni: vni)
        #expect(h.send(data, from: a.address) == .drop(.sessionNotBound))
        guard
            case .none(.bound(vni, a.publicKey, a.address, false, false)) = try h.bind(
                a, vni: vni, peer: b, generation: 1)
        else { Issue.record("a not bound"); return }
        #expect(h.send(data, from: a.address) == .drop(.sessionNotBound))
        guard case .none(.bound(_, _, _, _, true)) = try h.bind(b, vni: vni, peer: a, generation: 9) else {
            Issue.record("b not bound"); return
        }
        #expect(h.send(data, from: a.address) == .forward(b.address))
        #expect(h.send(data, from: b.address) == .forward(a.address))
        #expect(h.send(data, from: EndpointAddress("10.0.0.1:1001")!) == .drop(.unboundSource))
        #expect(h.send(RelayHarness.data(vni: vni + 1), from: a.address) == .drop(.unknownSession))
        // End-to-end pings (protocol 0x7A11, O = 0) are forwarded like data.
        let ping = GeneveHeader(isControl: false, protocolType: .control, vni: vni).bytes + [1, 2, 3]
        #expect(h.send(ping, from: b.address) == .forward(a.address))
        #expect(h.table.counters.forwardedPackets == 3)
        #expect(h.table.counters.forwardedBytes == UInt64(2 * data.count + ping.count))
        #expect(h.table.counters.drops(.sessionNotBound) == 2)
        let snapshot = h.table.snapshot(now: h.now)
        #expect(snapshot.count == 1)
        #expect(snapshot[0].state == "open")
        #expect(Set(snapshot[0].sides.map(\.name)) == ["a", "b"])
        #expect(Set(snapshot[0].sides.compactMap(\.boundAddress)) == ["10.0.0.1:1000", "10.0.0.2:2000"])
        #expect(snapshot[0].sides.map(\.packets).reduce(0, +) == 3)
    }

    @Test func spoofedSourceAnswerDoesNotBind() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        guard case .reply(let reply, _) = h.send(a.bind(vni: vni, generation: 3, remote: b.publicKey), from: a.address),
            case .challenge(let challenge) = try a.open(reply)
        else { Issue.record("no challenge"); return }
        #expect(challenge.generation == 3 && challenge.vni == vni && challenge.remoteKey == b.publicKey)
        #expect(!challenge.cookie.isZero)
        let attacker = EndpointAddress("203.0.113.9:666")!
        #expect(h.send(a.answer(challenge), from: attacker) == .drop(.badCookie))
        var forged = challenge
        forged.cookie = BindCookie(bytes: [UInt8](repeating: 7, count: 32))!
        #expect(h.send(a.answer(forged), from: a.address) == .drop(.badCookie))
        var otherGeneration = challenge
        otherGeneration.generation = 4
        #expect(h.send(a.answer(otherGeneration), from: a.address) == .drop(.generationMismatch))
        #expect(h.table.sessions[vni]?.sides.0.bound == nil && h.table.sessions[vni]?.sides.1.bound == nil)
        // The genuine answer from the genuine source binds; replaying it afterwards does nothing.
        guard case .none(.bound) = h.send(a.answer(challenge), from: a.address) else {
            Issue.record("genuine answer refused"); return
        }
        #expect(h.send(a.answer(challenge), from: a.address) == .drop(.generationMismatch))
    }

    @Test func bindChecksBodyAgainstSession() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let c = h.client("c", address: "10.0.0.3:3000")
        let vni = try h.allocate(a, peer: b)
        // b has not allocated yet: refused with "not a member" so it knows to Allocate.
        guard
            case .reply(let r1, .refused(.notAllocated, .notSessionMember, _)) = h.send(
                b.bind(vni: vni, generation: 1, remote: a.publicKey), from: b.address),
            case .error(let e1) = try b.open(r1)
        else { Issue.record("b bind before allocate"); return }
        #expect(e1.code == .notSessionMember && e1.generation == 1)
        // A stranger gets "not a member".
        guard
            case .reply(_, .refused(.notSessionMember, .notSessionMember, _)) = h.send(
                c.bind(vni: vni, generation: 1, remote: a.publicKey), from: c.address)
        else { Issue.record("stranger bind"); return }
        // Unknown VNI: "unknown session".
        guard
            case .reply(let r3, .refused(.unknownSession, .unknownSession, _)) = h.send(
                a.bind(vni: 999, generation: 1, remote: b.publicKey), from: a.address),
            case .error(let e3) = try a.open(r3)
        else { Issue.record("unknown vni"); return }
        #expect(e3.message.contains("999"))
        #expect(h.send(a.bind(vni: vni, generation: 1, remote: c.publicKey), from: a.address) == .drop(.wrongRemoteKey))
        #expect(h.send(a.bind(vni: vni, generation: 0, remote: b.publicKey), from: a.address) == .drop(.zeroGeneration))
        // VNI in the sealed body must match the cleartext header.
        let tampered = ControlMessage.bind(BindMessage(vni: vni + 1, generation: 1, remoteKey: b.publicKey))
            .sealedDatagram(
                header: GeneveHeader(isControl: true, protocolType: .control, vni: vni), sender: a.publicKey,
                key: a.shared)
        #expect(h.send(tampered, from: a.address) == .drop(.vniMismatch))
        // A box sealed to some other key is dropped silently.
        let wrongKey = ControlMessage.bind(BindMessage(vni: vni, generation: 1, remoteKey: b.publicKey))
            .sealedDatagram(
                header: GeneveHeader(isControl: true, protocolType: .control, vni: vni), sender: a.publicKey,
                key: a.key.sharedKey(with: c.publicKey)!)
        #expect(h.send(wrongKey, from: a.address) == .drop(.undecryptable))
        // Messages the relay never accepts.
        let ping = ControlMessage.ping(PingMessage(transactionID: .random())).sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: vni), sender: a.publicKey, key: a.shared)
        #expect(h.send(ping, from: a.address) == .drop(.unexpectedMessage))
    }

    @Test func rebindMovesBindingOnlyOnValidAnswer() throws {
        var h = RelayHarness()
        var a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.allocate(b, peer: a)
        _ = try h.bind(a, vni: vni, peer: b, generation: 1)
        _ = try h.bind(b, vni: vni, peer: a, generation: 1)
        let oldAddress = a.address
        a.address = EndpointAddress("10.9.9.9:4000")!
        // Pending rebind (Bind answered, Answer not yet sent) keeps the old binding working.
        guard case .reply(let reply, _) = h.send(a.bind(vni: vni, generation: 2, remote: b.publicKey), from: a.address),
            case .challenge(let challenge) = try a.open(reply)
        else { Issue.record("no challenge"); return }
        let data = RelayHarness.data(vni: vni)
        #expect(h.send(data, from: oldAddress) == .forward(b.address))
        #expect(h.send(data, from: b.address) == .forward(oldAddress))
        #expect(h.send(data, from: a.address) == .drop(.unboundSource))
        guard case .none(.bound(_, _, let address, true, true)) = h.send(a.answer(challenge), from: a.address) else {
            Issue.record("rebind failed"); return
        }
        #expect(address == a.address)
        #expect(h.send(data, from: b.address) == .forward(a.address))
        #expect(h.send(data, from: oldAddress) == .drop(.unboundSource))
        #expect(h.table.counters.rebinds == 1)
    }

    @Test func unboundSessionsExpireAfterBindTimeout() throws {
        var h = RelayHarness(limits: RelayLimits(bindTimeout: .seconds(30)))
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.allocate(b, peer: a)
        _ = try h.bind(a, vni: vni, peer: b, generation: 1)
        h.advance(.seconds(29))
        #expect(h.table.expire(now: h.now).isEmpty)
        h.advance(.seconds(1))
        let removed = h.table.expire(now: h.now)
        #expect(removed.count == 1 && removed[0].vni == vni && removed[0].reason == .bindTimeout)
        #expect(h.table.sessionCount == 0)
        #expect(h.table.allocatedPerNode.isEmpty)
        #expect(h.table.sessions.pairIndexCount == 0)
        #expect(h.table.subjects.count == 0)
        #expect(h.table.counters.sessionsExpiredUnbound == 1)
        // A new allocation for the pair gets a new VNI.
        #expect(try h.allocate(a, peer: b) == vni + 1)
    }

    @Test func boundSessionsExpireWhenIdle() throws {
        var h = RelayHarness(limits: RelayLimits(idleTimeout: .seconds(300), bindTimeout: .seconds(30)))
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.allocate(b, peer: a)
        _ = try h.bind(a, vni: vni, peer: b, generation: 1)
        _ = try h.bind(b, vni: vni, peer: a, generation: 1)
        // Bound sessions are not subject to the bind timeout; traffic from either side keeps them alive.
        for _ in 0..<5 {
            h.advance(.seconds(200))
            #expect(h.send(RelayHarness.data(vni: vni), from: b.address) == .forward(a.address))
            #expect(h.table.expire(now: h.now).isEmpty)
        }
        h.advance(.seconds(299))
        #expect(h.table.expire(now: h.now).isEmpty)
        h.advance(.seconds(1))
        #expect(h.table.expire(now: h.now).map(\.reason) == [.idle])
        #expect(h.send(RelayHarness.data(vni: vni), from: b.address) == .drop(.unknownSession))
        #expect(h.table.counters.sessionsExpiredIdle == 1)
    }

    @Test func globalAndPerNodeCapsAnswerWithErrors() throws {
        var h = RelayHarness(limits: RelayLimits(maxSessions: 3, maxSessionsPerNode: 2))
        let a = h.client("a", address: "10.0.0.1:1000")
        let peers = (0..<4).map { h.client("p\($0)", address: "10.0.1.\($0):1000") }
        _ = try h.allocate(a, peer: peers[0])
        _ = try h.allocate(a, peer: peers[1])
        guard
            case .reply(let r, .refused(.capacityPerNode, .capacityPerNode, _)) = h.send(
                a.allocate(peer: peers[2].publicKey, generation: 7), from: a.address),
            case .error(let e) = try a.open(r)
        else { Issue.record("per-node cap not enforced"); return }
        #expect(e.code == .capacityPerNode && e.generation == 7)
        // Re-allocating an existing session does not count again.
        #expect(try h.allocate(a, peer: peers[1]) == 2)
        _ = try h.allocate(peers[2], peer: peers[3])
        #expect(h.table.sessionCount == 3)
        guard
            case .reply(_, .refused(.capacityGlobal, .capacityGlobal, _)) = h.send(
                peers[3].allocate(peer: peers[0].publicKey), from: peers[3].address)
        else { Issue.record("global cap not enforced"); return }
        // The other side of an existing session may still allocate at the global cap.
        #expect(try h.allocate(peers[0], peer: a) == 1)
        #expect(h.table.counters.drops(.capacityGlobal) == 1)
        #expect(h.table.counters.errorsSent == 2)
    }

    @Test func certificateProblemsAreAnsweredWithTheirCode() throws {
        var h = RelayHarness()
        let b = h.client("b", address: "10.0.0.2:2000")
        let expired = h.client("old", address: "10.0.0.5:1000", validFor: .seconds(10))
        let relayRole = h.client("relay", address: "10.0.0.6:1000", role: .relay)
        h.advance(.seconds(11))
        for (client, code) in [(expired, RelayErrorCode.expiredCertificate), (relayRole, .wrongRole)] {
            guard
                case .reply(let r, .refused(.certificateRejected, code, _)) = h.send(
                    client.allocate(peer: b.publicKey), from: client.address),
                case .error(let e) = try client.open(r)
            else { Issue.record("\(code) not answered"); continue }
            #expect(e.code == code)
        }
        // Someone else's certificate: key mismatch.
        let thief = TestClient(
            key: PrivateKey.generate(), certificate: b.certificate, relayKey: h.relayKey.publicKey,
            address: EndpointAddress("10.6.6.6:6")!)
        guard
            case .reply(_, .refused(.certificateRejected, .keyMismatch, _)) = h.send(
                thief.allocate(peer: b.publicKey), from: thief.address)
        else { Issue.record("stolen certificate accepted"); return }
        // Another tailnet's CA.
        var other = RelayHarness()
        let foreign = other.client("f", address: "10.0.0.7:1000")
        let stranger = TestClient(
            key: foreign.key, certificate: foreign.certificate, relayKey: h.relayKey.publicKey,
            address: foreign.address)
        guard
            case .reply(_, .refused(.certificateRejected, .unknownCA, _)) = h.send(
                stranger.allocate(peer: b.publicKey), from: stranger.address)
        else { Issue.record("foreign CA accepted"); return }
        _ = other.table
        #expect(h.table.sessionCount == 0)
        #expect(h.table.counters.drops(.certificateRejected) == 4)
    }

    @Test func allocateRateLimitAnswersOnceThenDropsThenRecovers() throws {
        let rate = RateLimit(perSecond: 1, burst: 3)
        var h = RelayHarness(limits: RelayLimits(allocateRate: rate))
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        for _ in 0..<3 { _ = try h.allocate(a, peer: b) }
        guard
            case .reply(let r, .refused(.rateLimited, .rateLimited, _)) = h.send(
                a.allocate(peer: b.publicKey), from: a.address),
            case .error(let e) = try a.open(r)
        else { Issue.record("first refusal not answered"); return }
        #expect(e.code == .rateLimited)
        #expect(h.send(a.allocate(peer: b.publicKey), from: a.address) == .drop(.rateLimited))
        #expect(h.send(a.allocate(peer: b.publicKey), from: a.address) == .drop(.rateLimited))
        // Another source IP has its own bucket; another port of the same IP does not.
        #expect(try h.allocate(b, peer: a) == 1)
        var samIP = a
        samIP.address = EndpointAddress("10.0.0.1:1001")!
        #expect(h.send(samIP.allocate(peer: b.publicKey), from: samIP.address) == .drop(.rateLimited))
        h.advance(.seconds(1))
        #expect(try h.allocate(a, peer: b) == 1)
        #expect(h.table.counters.drops(.rateLimited) == 4)
    }

    @Test func ipv6SourcesShareABucketPerSlash64() throws {
        var h = RelayHarness(limits: RelayLimits(allocateRate: RateLimit(perSecond: 0, burst: 1)))
        var a = h.client("a", address: "[2001:db8:1:2::1]:1000")
        let b = h.client("b", address: "[2001:db8:1:3::1]:1000")
        _ = try h.allocate(a, peer: b)
        a.address = EndpointAddress("[2001:db8:1:2:ffff::9]:1000")!  // same /64
        guard
            case .reply(_, .refused(.rateLimited, .rateLimited, _)) = h.send(
                a.allocate(peer: b.publicKey), from: a.address)
        else {
            Issue.record("same /64 not limited")
            return
        }
        #expect(try h.allocate(b, peer: a) == 1)  // another /64 has its own bucket
    }

    @Test func bindRateLimit() throws {
        var h = RelayHarness(limits: RelayLimits(bindRate: RateLimit(perSecond: 0, burst: 2)))
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.bind(a, vni: vni, peer: b, generation: 1)  // Bind + Answer = 2 tokens
        guard
            case .reply(_, .refused(.rateLimited, .rateLimited, _)) = h.send(
                a.bind(vni: vni, generation: 2, remote: b.publicKey), from: a.address)
        else { Issue.record("bind not limited"); return }
        #expect(h.send(a.bind(vni: vni, generation: 2, remote: b.publicKey), from: a.address) == .drop(.rateLimited))
    }

    @Test func replyNeverLargerThanRequest() throws {
        // 40 advertised endpoints (720 bytes) cannot fit in a small Allocate: trailing ones are dropped.
        let endpoints = (0..<40).map { EndpointAddress(ipv4: 0xC000_0200 + UInt32($0), port: 7000) }
        var h = RelayHarness(endpoints: endpoints)
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let request = a.allocate(peer: b.publicKey)
        guard case .reply(let reply, _) = h.send(request, from: a.address),
            case .allocateResponse(let response) = try a.open(reply)
        else { Issue.record("no response"); return }
        #expect(reply.bytes.count <= request.count)
        #expect(response.endpoints.count < 40 && response.endpoints.count > 0)
        #expect(response.endpoints == Array(endpoints.prefix(response.endpoints.count)))
        // Padding the request makes room for all endpoints.
        let padded = a.allocate(peer: b.publicKey, generation: 2, padding: 720)
        guard case .reply(let reply2, _) = h.send(padded, from: a.address),
            case .allocateResponse(let full) = try a.open(reply2)
        else { Issue.record("no response"); return }
        #expect(full.endpoints == endpoints)
        // Challenge is exactly the size of Bind; errors are cut to fit a Bind.
        let bind = a.bind(vni: 1, generation: 1, remote: b.publicKey)
        guard case .reply(let challenge, _) = h.send(bind, from: a.address) else {
            Issue.record("no challenge"); return
        }
        #expect(challenge.bytes.count == bind.count)
        let unknown = a.bind(vni: 77, generation: 1, remote: b.publicKey)
        guard case .reply(let error, _) = h.send(unknown, from: a.address), case .error = try a.open(error) else {
            Issue.record("no error"); return
        }
        #expect(error.bytes.count <= unknown.count)
        #expect(h.table.counters.repliesTruncated >= 1)
    }

    @Test func vniAllocationWrapsAndSkipsInUse() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let peers = (0..<4).map { h.client("p\($0)", address: "10.0.1.\($0):1000") }
        #expect(try h.allocate(a, peer: peers[0]) == 1)
        h.table.nextVNI = GeneveHeader.maximumVNI - 1
        #expect(try h.allocate(a, peer: peers[1]) == GeneveHeader.maximumVNI - 1)
        #expect(try h.allocate(a, peer: peers[2]) == GeneveHeader.maximumVNI)
        // Wraps past 0 and skips VNI 1, still in use.
        #expect(try h.allocate(a, peer: peers[3]) == 2)
    }

    @Test func reconfigureTrustsNewCAAndRevokes() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        var configuration = h.table.configuration
        configuration.revokedSerials = [a.certificate.serial]
        #expect(h.table.reconfigure(configuration, now: h.now).isEmpty)
        guard
            case .reply(_, .refused(.certificateRejected, .revoked, _)) = h.send(
                a.allocate(peer: b.publicKey), from: a.address)
        else { Issue.record("revocation ignored"); return }
    }
}
