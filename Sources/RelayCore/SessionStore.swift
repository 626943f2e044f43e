/// The sessions of a `SessionTable`, kept compact: one contiguous array of sessions plus two small indexes (VNI →
/// array slot, 8 bytes a bucket; key-pair hash → VNI, 12 bytes a bucket). A `[UInt32: SessionRecord]` dictionary
/// would hold every session in a bucket array kept at most 75 % full (so up to 2.7 buckets per session, each the
/// size of a whole session), and a `[KeyPair: UInt32]` index would store both 32-byte keys again.
///
/// The pair index is keyed by the pair's 64-bit `Hasher` value (seeded per process, so peers cannot aim for
/// collisions); every hit is checked against the keys stored in the session, and a pair whose hash is already taken
/// by another pair goes to a small exact overflow index, so lookups are always exact.
struct SessionStore: Sendable {
    /// Sessions in no particular order (removal moves the last one into the gap). Mutate in place through
    /// `values[slot]`; a session's VNI and keys are constants, so the indexes stay valid.
    var values: [SessionRecord] = []
    private var slotByVNI: [UInt32: UInt32] = [:]
    private var vniByPairHash: [Int: UInt32] = [:]
    private var pairOverflow: [KeyPair: UInt32] = [:]
    /// Bits of the pair hash that are used (tests narrow it to force collisions).
    private let pairHashMask: Int

    init(pairHashMask: Int = -1) {
        self.pairHashMask = pairHashMask
    }

    var count: Int { values.count }

    /// Entries in the pair indexes (equal to `count` when consistent).
    var pairIndexCount: Int { vniByPairHash.count + pairOverflow.count }

    /// The slot of the session with `vni`, for `values[slot]`.
    @inline(__always)
    func index(forKey vni: UInt32) -> Int? {
        slotByVNI[vni].map { Int(truncatingIfNeeded: $0) }
    }

    subscript(vni: UInt32) -> SessionRecord? {
        index(forKey: vni).map { values[$0] }
    }

    /// The VNI of the session named by `pair`, if there is one.
    func vni(for pair: KeyPair) -> UInt32? {
        if let vni = vniByPairHash[hash(pair)], let slot = index(forKey: vni), values[slot].pair == pair {
            return vni
        }
        return pairOverflow.isEmpty ? nil : pairOverflow[pair]
    }

    /// Adds a session; its VNI and pair must not be in the store.
    mutating func insert(_ session: SessionRecord) {
        precondition(slotByVNI[session.vni] == nil, "VNI \(session.vni) is already in use")
        let pair = session.pair
        precondition(vni(for: pair) == nil, "the key pair already has a session")
        slotByVNI[session.vni] = UInt32(values.count)
        values.append(session)
        let key = hash(pair)
        if vniByPairHash[key] == nil {
            vniByPairHash[key] = session.vni
        } else {
            pairOverflow[pair] = session.vni
        }
    }

    /// Removes and returns the session with `vni`.
    @discardableResult
    mutating func removeValue(forKey vni: UInt32) -> SessionRecord? {
        guard let stored = slotByVNI.removeValue(forKey: vni) else { return nil }
        let slot = Int(stored)
        let session = values[slot]
        let key = hash(session.pair)
        if vniByPairHash[key] == vni {
            vniByPairHash[key] = nil
        } else {
            pairOverflow[session.pair] = nil
        }
        let last = values.count - 1
        if slot != last {
            values.swapAt(slot, last)
            slotByVNI[values[slot].vni] = stored
        }
        values.removeLast()
        return session
    }

    private func hash(_ pair: KeyPair) -> Int {
        var hasher = Hasher()
        hasher.combine(pair)
        return hasher.finalize() & pairHashMask
    }
}

/// Certificates session sides were admitted with (subject name and id, and the `AdmittedCertificate` facts that
/// are rechecked when trust, revocations or the clock change), one shared copy per distinct certificate, reference
/// counted: a node with sessions to hundreds of peers stores its certificate once, and a side stores a 4-byte
/// handle. Rechecking therefore costs one lookup per distinct certificate, not per session.
struct SubjectNames: Sendable {
    struct Subject: Hashable, Sendable {
        var name: String
        var id: String
        var admitted = AdmittedCertificate(caKeyID: CAKeyID(value: 0), serial: 0, notAfter: .max)
    }

    /// Handle 0 is the empty subject of a side that has not allocated; it is never released.
    static let none: UInt32 = 0

    private var entries: [(subject: Subject, references: Int)] = [(Subject(name: "", id: ""), 0)]
    private var handles: [Subject: UInt32] = [:]
    private var free: [UInt32] = []

    /// Distinct subjects stored (for tests).
    var count: Int { handles.count }

    subscript(handle: UInt32) -> Subject { entries[Int(handle)].subject }

    /// A handle for (name, id, admitted certificate), counting one more reference to it.
    mutating func retain(name: String, id: String, admitted: AdmittedCertificate) -> UInt32 {
        let subject = Subject(name: name, id: id, admitted: admitted)
        if let handle = handles[subject] {
            entries[Int(handle)].references += 1
            return handle
        }
        let handle: UInt32
        if let reused = free.popLast() {
            handle = reused
            entries[Int(handle)] = (subject, 1)
        } else {
            handle = UInt32(entries.count)
            entries.append((subject, 1))
        }
        handles[subject] = handle
        return handle
    }

    /// Handles in use whose certificate `isInvalid` says no longer holds, with its reason.
    func invalidHandles(_ isInvalid: (AdmittedCertificate) -> CertificateError?) -> [UInt32: CertificateError] {
        var out: [UInt32: CertificateError] = [:]
        for (subject, handle) in handles {
            if let error = isInvalid(subject.admitted) { out[handle] = error }
        }
        return out
    }

    /// The earliest notAfter (Unix seconds) of the certificates in use, if any.
    var earliestNotAfter: Int64? { handles.keys.lazy.map(\.admitted.notAfter).min() }

    /// Drops one reference; the subject is forgotten with its last reference.
    mutating func release(_ handle: UInt32) {
        guard handle != Self.none else { return }
        let index = Int(handle)
        entries[index].references -= 1
        guard entries[index].references == 0 else { return }
        handles[entries[index].subject] = nil
        entries[index] = (Subject(name: "", id: ""), 0)
        free.append(handle)
    }
}
