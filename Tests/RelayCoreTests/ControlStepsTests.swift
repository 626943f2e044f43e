import Testing

@testable import RelayCore

/// The three-step control path (admit under the lock, open outside it, apply under it) stays correct when the
/// table changes between the steps.
@Suite struct ControlStepsTests {
    func admit(_ h: inout RelayHarness, _ datagram: [UInt8], from source: EndpointAddress) throws -> ControlAdmission {
        let classified = try datagram.withUnsafeBytes { try DatagramParser.classify($0) }
        guard case .control(let sender) = classified.kind,
            case .admitted(let admission) = h.table.admitControl(
                header: classified.header, sender: sender, from: source, now: h.now)
        else { throw HarnessError.unexpected }
        return admission
    }

    @Test func concurrentAllocatesOfOnePairCreateOneSession() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let fromA = a.allocate(peer: b.publicKey)
        let fromB = b.allocate(peer: a.publicKey)
        // Both admitted and opened before either is applied (two threads outside the lock).
        let admissionA = try admit(&h, fromA, from: a.address)
        let admissionB = try admit(&h, fromB, from: b.address)
        let openedA = fromA.withUnsafeBytes { admissionA.open($0, now: h.now) }
        let openedB = fromB.withUnsafeBytes { admissionB.open($0, now: h.now) }
        let resultB = h.table.applyControl(openedB, now: h.now)
        let resultA = h.table.applyControl(openedA, now: h.now)
        guard case .allocated(let vniB, _, _, true) = resultB.event,
            case .allocated(let vniA, _, _, false) = resultA.event
        else {
            Issue.record("unexpected \(resultA.event) / \(resultB.event)")
            return
        }
        #expect(vniA == vniB)
        #expect(h.table.sessionCount == 1)
    }

    @Test func bindAdmittedBeforeExpiryIsRefusedAfterIt() throws {
        var h = RelayHarness(limits: RelayLimits(bindTimeout: .seconds(30)))
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        let bind = a.bind(vni: vni, generation: 1, remote: b.publicKey)
        let admission = try admit(&h, bind, from: a.address)
        let opened = bind.withUnsafeBytes { admission.open($0, now: h.now) }
        h.advance(.seconds(31))
        h.table.expire(now: h.now)
        let result = h.table.applyControl(opened, now: h.now)
        guard case .refused(.unknownSession, .unknownSession, _) = result.event, let reply = result.reply else {
            Issue.record("unexpected \(result.event)")
            return
        }
        guard case .error(let error) = try a.open(reply) else {
            Issue.record("reply is not an Error")
            return
        }
        #expect(error.code == .unknownSession)
        #expect(reply.bytes.count <= bind.count)
    }
}
