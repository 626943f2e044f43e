import Testing

@testable import RelayCore

@Suite struct SessionStoreTests {
    static func key(_ n: Int) -> PublicKey {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[0] = UInt8(n >> 8)
        bytes[1] = UInt8(n & 0xFF)
        return try! PublicKey(bytes: bytes)
    }

    static func session(_ vni: UInt32, _ a: Int, _ b: Int) -> SessionRecord {
        SessionRecord(vni: vni, pair: KeyPair(key(a), key(b)), now: Timestamp(unixSeconds: 1))
    }

    /// Inserts and removes in an order that moves sessions between slots; every index must stay exact. With a zero
    /// hash mask every pair collides, so the overflow index is exercised too.
    @Test(arguments: [-1, 0, 1])
    func indexesStayExactThroughRemovals(mask: Int) {
        var store = SessionStore(pairHashMask: mask)
        var expected: [UInt32: KeyPair] = [:]
        for n in 1...200 {
            let s = Self.session(UInt32(n), n, n + 1000)
            store.insert(s)
            expected[UInt32(n)] = s.pair
        }
        // Remove every third session (and the first and last), then re-add some with new VNIs.
        for vni in Array(expected.keys).sorted() where vni % 3 == 0 || vni == 1 || vni == 200 {
            let removed = store.removeValue(forKey: vni)
            #expect(removed?.vni == vni)
            expected[vni] = nil
        }
        #expect(store.removeValue(forKey: 3) == nil)
        for n in 300...320 {
            let s = Self.session(UInt32(n), n, n + 1000)
            store.insert(s)
            expected[UInt32(n)] = s.pair
        }
        #expect(store.count == expected.count)
        #expect(store.pairIndexCount == expected.count)
        for (vni, pair) in expected {
            #expect(store[vni]?.vni == vni)
            #expect(store[vni]?.pair == pair)
            #expect(store.vni(for: pair) == vni)
            #expect(store.vni(for: KeyPair(pair.high, pair.low)) == vni)
        }
        for vni: UInt32 in [3, 6, 1, 200, 999] {
            #expect(store[vni] == nil)
            #expect(store.vni(for: KeyPair(Self.key(Int(vni)), Self.key(Int(vni) + 1000))) == nil)
        }
        for vni in Array(expected.keys) { store.removeValue(forKey: vni) }
        #expect(store.count == 0 && store.pairIndexCount == 0)
    }

    @Test func subjectsAreSharedAndReleased() {
        var names = SubjectNames()
        let certificate = AdmittedCertificate(caKeyID: CAKeyID(value: 1), serial: 10, notAfter: 2000)
        let a = names.retain(name: "laptop", id: "n1", admitted: certificate)
        let b = names.retain(name: "laptop", id: "n1", admitted: certificate)
        let c = names.retain(name: "laptop", id: "n2", admitted: certificate)
        // A renewed certificate of the same node is a subject of its own (it is rechecked on its own).
        var renewed = certificate
        renewed.serial = 11
        let e = names.retain(name: "laptop", id: "n1", admitted: renewed)
        #expect(a == b && a != c && a != e && a != SubjectNames.none)
        #expect(names.count == 3)
        #expect(names.earliestNotAfter == 2000)
        #expect(names.invalidHandles { $0.serial == 11 ? .revoked(serial: 11) : nil } == [e: .revoked(serial: 11)])
        names.release(e)
        names.release(a)
        #expect(names[b] == SubjectNames.Subject(name: "laptop", id: "n1", admitted: certificate))
        names.release(b)
        #expect(names.count == 1)
        let d = names.retain(name: "phone", id: "n3", admitted: certificate)
        #expect(names[d].name == "phone" && names[c].id == "n2")
        names.release(SubjectNames.none)
        #expect(names[SubjectNames.none].name == "")
        names.release(c)
        names.release(d)
        #expect(names.earliestNotAfter == nil)
    }

    /// The per-session footprint the memory budget (docs/benchmarks.md) is computed from.
    @Test func sessionStaysCompact() {
        #expect(MemoryLayout<SessionRecord.Side>.stride <= 120)
        #expect(MemoryLayout<SessionRecord>.stride <= 272)
    }
}

@Suite struct SessionSubjectTests {
    /// A node's name shows in `/debug/sessions` per session; re-allocating with a new certificate changes only that
    /// session, and the shared copy is dropped with the last session.
    @Test func snapshotNamesFollowEachSide() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let c = h.client("c", address: "10.0.0.3:3000")
        let ab = try h.allocate(a, peer: b)
        let ac = try h.allocate(a, peer: c)
        _ = try h.allocate(b, peer: a)
        #expect(h.table.subjects.count == 2)
        let snapshot = h.table.snapshot(now: h.now)
        let first = try #require(snapshot.first { $0.vni == ab })
        let names = first.sides.map(\.name).sorted()
        #expect(names == ["a", "b"])
        #expect(first.sides.allSatisfy { $0.id == "id-\($0.name)" && $0.allocated })
        let second = try #require(snapshot.first { $0.vni == ac })
        #expect(second.sides.map(\.name).sorted() == ["", "a"])
        h.advance(.seconds(3600))
        h.table.expire(now: h.now)
        #expect(h.table.sessionCount == 0)
        #expect(h.table.subjects.count == 0)
    }
}
