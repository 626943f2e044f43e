/// One session (one VNI, one sorted pair of client keys) inside `SessionTable`.
struct SessionRecord: Sendable {
    /// One client of the session.
    struct Side: Sendable {
        // Field order keeps the padding small (120 bytes a side): 100,000 sessions are 200,000 of these.
        let key: PublicKey
        /// Set once this side sent a valid Allocate.
        var sharedKey: SharedKey?
        /// Generation of this side's latest Bind (0: none pending).
        var pendingGeneration: UInt32 = 0
        var bound: EndpointAddress?
        var boundGeneration: UInt32 = 0
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        /// Certificate subject name and id, a handle into the table's `SubjectNames` (`none` until allocated).
        var subject: UInt32 = SubjectNames.none

        init(key: PublicKey) {
            self.key = key
        }

        var isAllocated: Bool { sharedKey != nil }
    }

    /// Sides in byte-wise key order (index 0 = smaller key).
    var sides: (Side, Side)
    let createdAt: Timestamp
    /// Last forwarded datagram or completed bind.
    var lastActivity: Timestamp
    /// When both sides became bound (nil until then).
    var openedAt: Timestamp?
    let vni: UInt32

    init(vni: UInt32, pair: KeyPair, now: Timestamp) {
        self.vni = vni
        self.sides = (Side(key: pair.low), Side(key: pair.high))
        self.createdAt = now
        self.lastActivity = now
    }

    /// The sorted key pair that names this session.
    var pair: KeyPair { KeyPair(sorted: sides.0.key, sides.1.key) }

    var isOpen: Bool { sides.0.bound != nil && sides.1.bound != nil }

    /// Index (0 or 1) of `key`, nil if it is not a member.
    func sideIndex(of key: PublicKey) -> Int? {
        if key == sides.0.key { return 0 }
        if key == sides.1.key { return 1 }
        return nil
    }

    subscript(side index: Int) -> Side {
        get { index == 0 ? sides.0 : sides.1 }
        set {
            if index == 0 { sides.0 = newValue } else { sides.1 = newValue }
        }
    }

    /// Forwarding decision for a data datagram from `source` (hot path: no allocation).
    @inline(__always)
    mutating func route(source: EndpointAddress, byteCount: Int, now: Timestamp) -> Route {
        guard let a = sides.0.bound, let b = sides.1.bound else { return .drop(.sessionNotBound) }
        if source == a {
            sides.0.packets &+= 1
            sides.0.bytes &+= UInt64(truncatingIfNeeded: byteCount)
            lastActivity = now
            return .forward(b)
        }
        if source == b {
            sides.1.packets &+= 1
            sides.1.bytes &+= UInt64(truncatingIfNeeded: byteCount)
            lastActivity = now
            return .forward(a)
        }
        return .drop(.unboundSource)
    }

    /// Why the session should be removed at `now`, if it should.
    func expiry(now: Timestamp, limits: RelayLimits) -> ExpiryReason? {
        if isOpen {
            return now - lastActivity >= limits.idleTimeout ? .idle : nil
        }
        return now - createdAt >= limits.bindTimeout ? .bindTimeout : nil
    }
}

/// The sorted key pair that names a session.
struct KeyPair: Hashable, Sendable {
    let low: PublicKey
    let high: PublicKey

    init(_ a: PublicKey, _ b: PublicKey) {
        if a < b {
            low = a
            high = b
        } else {
            low = b
            high = a
        }
    }

    /// A pair already in order (`low < high`).
    init(sorted low: PublicKey, _ high: PublicKey) {
        self.low = low
        self.high = high
    }
}

/// Why a session was removed.
public enum ExpiryReason: String, Sendable, Hashable, Codable {
    /// Not bound on both sides within the bind timeout.
    case bindTimeout = "bind_timeout"
    /// No data from either side for the idle timeout.
    case idle
}
