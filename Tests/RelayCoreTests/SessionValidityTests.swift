import Testing

@testable import RelayCore

/// Open sessions end when a side's certificate stops holding (revoked, expired, CA removed), on a fake clock.
@Suite struct SessionValidityTests {
    /// Two clients with an open session on `vni`.
    struct OpenSession {
        var h: RelayHarness
        let a: TestClient
        let b: TestClient
        let vni: UInt32
    }

    func openSession(validFor: Duration = .seconds(86_400), harness: RelayHarness = RelayHarness()) throws
        -> OpenSession
    {
        var h = harness
        let a = h.client("a", address: "10.0.0.1:1000", validFor: validFor)
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.allocate(b, peer: a)
        _ = try h.bind(a, vni: vni, peer: b, generation: 7)
        _ = try h.bind(b, vni: vni, peer: a, generation: 9)
        #expect(h.send(RelayHarness.data(vni: vni), from: a.address) == .forward(b.address))
        return OpenSession(h: h, a: a, b: b, vni: vni)
    }

    /// The notice `client` got, opened: its code, generation and VNI.
    func notice(_ end: SessionEnd, for client: TestClient) throws -> (code: UInt16, generation: UInt32, vni: UInt32)? {
        guard let datagram = end.notices.first(where: { $0.destination == client.address }) else { return nil }
        #expect(datagram.bytes.count <= SessionTable.bindDatagramSize, "a notice is never larger than a Bind")
        let header = try datagram.bytes.withUnsafeBytes { try DatagramParser.classify($0) }
        guard case .error(let error) = try client.open(datagram) else {
            Issue.record("notice is not an Error")
            return nil
        }
        return (error.rawCode, error.generation, header.vni)
    }

    @Test func revocationEndsTheOpenSessionAtOnceAndTellsBothSides() throws {
        var s = try openSession()
        var configuration = s.h.table.configuration
        configuration.revokedSerials = [s.a.certificate.serial]
        let ended = s.h.table.reconfigure(configuration, now: s.h.now)
        #expect(ended.count == 1)
        let end = try #require(ended.first)
        #expect(end.vni == s.vni)
        #expect(end.invalid == [s.a.publicKey: .revoked(serial: s.a.certificate.serial)])
        let toA = try #require(try notice(end, for: s.a))
        #expect(toA.code == RelayErrorCode.revoked.rawValue && toA.generation == 7 && toA.vni == s.vni)
        let toB = try #require(try notice(end, for: s.b))
        #expect(toB.code == RelayErrorCode.unknownSession.rawValue && toB.generation == 9)
        // Nothing is forwarded afterwards, in either direction.
        #expect(s.h.send(RelayHarness.data(vni: s.vni), from: s.a.address) == .drop(.unknownSession))
        #expect(s.h.send(RelayHarness.data(vni: s.vni), from: s.b.address) == .drop(.unknownSession))
        #expect(s.h.table.sessionCount == 0)
        #expect(s.h.table.allocatedPerNode.isEmpty && s.h.table.subjects.count == 0)
        #expect(s.h.table.counters.sessionsEndedRevoked == 1 && s.h.table.counters.sessionEndNotices == 2)
        // The revoked side cannot come back; the other side can allocate a new session with someone else.
        guard
            case .reply(_, .refused(.certificateRejected, .revoked, _)) = s.h.send(
                s.a.allocate(peer: s.b.publicKey), from: s.a.address)
        else { Issue.record("revoked side allocated again"); return }
    }

    @Test func revokingAnUnrelatedSerialKeepsSessions() throws {
        var s = try openSession()
        var configuration = s.h.table.configuration
        configuration.revokedSerials = [s.a.certificate.serial &+ 1000]
        #expect(s.h.table.reconfigure(configuration, now: s.h.now).isEmpty)
        #expect(s.h.send(RelayHarness.data(vni: s.vni), from: s.b.address) == .forward(s.a.address))
    }

    @Test func expiredCertificateEndsItsSessionWhenTheClockPassesNotAfter() throws {
        var s = try openSession(validFor: .seconds(600))
        let expiry = try #require(s.h.table.nextCertificateExpiry)
        #expect(expiry == Timestamp(unixSeconds: s.a.certificate.notAfter))
        s.h.now = expiry - .seconds(1)
        #expect(s.h.table.revalidate(now: s.h.now).isEmpty)
        #expect(s.h.send(RelayHarness.data(vni: s.vni), from: s.a.address) == .forward(s.b.address))
        s.h.now = expiry
        // Between sweeps a Bind from the expired side is refused with what it can act on.
        let rebind = s.h.send(
            s.a.bind(vni: s.vni, generation: 8, remote: s.b.publicKey), from: s.a.address)
        guard case .reply(let reply, .refused(.certificateRejected, .expiredCertificate, _)) = rebind,
            case .error(let error) = try s.a.open(reply)
        else { Issue.record("bind from an expired side: \(rebind)"); return }
        #expect(error.generation == 8)
        let ended = s.h.table.revalidate(now: s.h.now)
        #expect(ended.map(\.vni) == [s.vni])
        let end = try #require(ended.first)
        #expect(try notice(end, for: s.a)?.code == RelayErrorCode.expiredCertificate.rawValue)
        #expect(s.h.send(RelayHarness.data(vni: s.vni), from: s.b.address) == .drop(.unknownSession))
        #expect(s.h.table.counters.sessionsEndedExpired == 1)
        #expect(s.h.table.nextCertificateExpiry == nil)
    }

    @Test func removedCAEndsEverySessionItSignedAndKeepsTheOthers() throws {
        var h = RelayHarness()
        let second = CAPrivateKey.generate()
        var configuration = h.table.configuration
        configuration.trustedCAs.append(second.publicKey)
        #expect(h.table.reconfigure(configuration, now: h.now).isEmpty)
        let authority = try CertificateAuthority(privateKey: second, tailnetID: "example.ts")
        func client(_ name: String, _ address: String, secondCA: Bool) -> TestClient {
            let base = h.client(name, address: address)
            guard secondCA else { return base }
            let certificate = try! authority.issue(
                role: .node, subjectKey: base.key.publicKey, subjectID: "id-\(name)", subjectName: name,
                validFor: .seconds(86_400), now: h.now)
            return TestClient(key: base.key, certificate: certificate, relayKey: base.relayKey, address: base.address)
        }
        let old = client("old", "10.0.0.1:1000", secondCA: false)
        let new1 = client("new1", "10.0.0.2:2000", secondCA: true)
        let new2 = client("new2", "10.0.0.3:3000", secondCA: true)
        let mixed = try h.allocate(old, peer: new1)
        _ = try h.allocate(new1, peer: old)
        let kept = try h.allocate(new1, peer: new2)
        _ = try h.allocate(new2, peer: new1)
        for (x, y, vni) in [(old, new1, mixed), (new1, old, mixed), (new1, new2, kept), (new2, new1, kept)] {
            _ = try h.bind(x, vni: vni, peer: y, generation: 3)
        }
        configuration.trustedCAs = [second.publicKey]
        let ended = h.table.reconfigure(configuration, now: h.now)
        #expect(ended.map(\.vni) == [mixed])
        let end = try #require(ended.first)
        #expect(end.invalid == [old.publicKey: .unknownCA(h.ca.publicKey.keyID)])
        #expect(try notice(end, for: old)?.code == RelayErrorCode.unknownCA.rawValue)
        #expect(try notice(end, for: new1)?.code == RelayErrorCode.unknownSession.rawValue)
        #expect(h.send(RelayHarness.data(vni: mixed), from: new1.address) == .drop(.unknownSession))
        #expect(h.send(RelayHarness.data(vni: kept), from: new1.address) == .forward(new2.address))
        #expect(h.table.counters.sessionsEndedUntrustedCA == 1)
    }

    @Test func unboundSidesGetNoNotice() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        _ = try h.allocate(b, peer: a)
        _ = try h.bind(b, vni: vni, peer: a, generation: 4)
        var configuration = h.table.configuration
        configuration.revokedSerials = [a.certificate.serial]
        let ended = h.table.reconfigure(configuration, now: h.now)
        let end = try #require(ended.first)
        // a never proved an address, so it is sent nothing; b is told.
        #expect(end.notices.map(\.destination) == [b.address])
        #expect(h.table.sessionCount == 0)
    }

    @Test func recheckFollowsTheVerifier() {
        let ca = CAPrivateKey.generate()
        let admitted = AdmittedCertificate(caKeyID: ca.publicKey.keyID, serial: 5, notAfter: 1000)
        var verifier = CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: "t")
        #expect(verifier.recheck(admitted, now: Timestamp(unixSeconds: 999)) == nil)
        #expect(
            verifier.recheck(admitted, now: Timestamp(unixSeconds: 1000)) == .expired(notAfter: 1000, now: 1000))
        verifier.revokedSerials = [5]
        #expect(verifier.recheck(admitted, now: Timestamp(unixSeconds: 1)) == .revoked(serial: 5))
        let other = CertificateVerifier(trustedCAs: [CAPrivateKey.generate().publicKey], tailnetID: "t")
        #expect(other.recheck(admitted, now: Timestamp(unixSeconds: 1)) == .unknownCA(ca.publicKey.keyID))
    }
}
