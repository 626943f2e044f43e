/// One session as shown by `/debug/sessions` (JSON via Codable).
public struct SessionSnapshot: Sendable, Hashable, Codable {
    /// One client of the session.
    public struct Side: Sendable, Hashable, Codable {
        /// Base64 X25519 key.
        public var key: PublicKey
        /// "k:1bd615a9".
        public var shortKey: String
        /// Certificate subject name and id ("" until this side allocated).
        public var name: String
        /// Certificate subject id ("" until this side allocated).
        public var id: String
        /// Whether this side has sent Allocate.
        public var allocated: Bool
        /// "192.0.2.1:41641", nil while unbound.
        public var boundAddress: String?
        /// Datagrams and bytes received from this side and forwarded.
        public var packets: UInt64
        /// Bytes received from this side and forwarded.
        public var bytes: UInt64
    }

    /// The session's VNI.
    public var vni: UInt32
    /// "binding" (not yet bound on both sides) or "open".
    public var state: String
    /// Both sides.
    public var sides: [Side]
    /// Seconds since the session was allocated.
    public var ageSeconds: Int64
    /// Seconds since its last forwarded datagram.
    public var idleSeconds: Int64
}

extension SessionTable {
    /// All sessions, ordered by VNI.
    public func snapshot(now: Timestamp) -> [SessionSnapshot] {
        sessions.values.sorted { $0.vni < $1.vni }.map { session in
            let sides = [session.sides.0, session.sides.1].map { side in
                let subject = subjects[side.subject]
                return SessionSnapshot.Side(
                    key: side.key, shortKey: side.key.shortDescription, name: subject.name, id: subject.id,
                    allocated: side.isAllocated, boundAddress: side.bound?.description, packets: side.packets,
                    bytes: side.bytes)
            }
            return SessionSnapshot(
                vni: session.vni, state: session.isOpen ? "open" : "binding", sides: sides,
                ageSeconds: (now - session.createdAt).wholeSeconds,
                idleSeconds: (now - session.lastActivity).wholeSeconds)
        }
    }
}
