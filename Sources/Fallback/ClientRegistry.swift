public import RelayCore

/// Who is connected to a fallback server, keyed by node key (docs/fallback-protocol.md §5). Pure bookkeeping:
/// the server keeps one behind a lock and performs the returned notifications itself.
///
/// - One connection per key: a newer admission replaces the older one (the caller closes it with `replaced`).
/// - Watchers get PeerPresent when a key arrives and PeerGone when it leaves; so do clients that recently sent to
///   the key that left.
public struct ClientRegistry<Handle: Sendable>: Sendable {
    /// One connected client.
    public struct Entry: Sendable {
        /// Unique per connection (distinguishes a replaced connection from its successor).
        public var connectionID: UInt64
        /// The connection's handle.
        public var handle: Handle
        /// The certificate it was admitted with.
        public var certificate: TailnetCertificate
        /// When it was admitted.
        public var admittedAt: Timestamp
        /// Whether it watches peers.
        public var watches: Bool
        /// Keys that sent to this client lately (bounded): they hear PeerGone when it leaves.
        var senders: Set<PublicKey> = []

        /// Creates an entry.
        public init(
            connectionID: UInt64, handle: Handle, certificate: TailnetCertificate, admittedAt: Timestamp, watches: Bool
        ) {
            self.connectionID = connectionID
            self.handle = handle
            self.certificate = certificate
            self.admittedAt = admittedAt
            self.watches = watches
        }
    }

    /// Most senders remembered per client.
    public static var maximumSendersTracked: Int { 256 }

    private(set) var entries: [PublicKey: Entry] = [:]
    private var watchers: [PublicKey: Handle] = [:]

    /// An empty registry.
    public init() {}

    /// Number of connected clients.
    public var count: Int { entries.count }

    /// The handle connected under `key`.
    public func handle(for key: PublicKey) -> Handle? { entries[key]?.handle }

    /// The entry connected under `key`.
    public func entry(for key: PublicKey) -> Entry? { entries[key] }

    /// Every entry, in no particular order.
    public var allEntries: [(key: PublicKey, entry: Entry)] { entries.map { ($0.key, $0.value) } }

    /// What the caller must do after `add`.
    public struct Arrival: Sendable {
        /// The older connection of the same key, to be closed with `replaced`.
        public var replaced: Handle?
        /// Watchers to send PeerPresent(key) to.
        public var notify: [Handle]
        /// For a watching newcomer: keys already present, to send it as PeerPresent.
        public var present: [PublicKey]
    }

    /// Registers an admitted connection.
    public mutating func add(key: PublicKey, entry: Entry) -> Arrival {
        let replaced = entries[key]
        entries[key] = entry
        if replaced?.watches == true { watchers[key] = nil }
        if entry.watches { watchers[key] = entry.handle }
        let notify = replaced == nil ? watchers.filter { $0.key != key }.map(\.value) : []
        let present = entry.watches ? entries.keys.filter { $0 != key } : []
        return Arrival(replaced: replaced?.handle, notify: notify, present: present)
    }

    /// Makes an existing connection a watcher; returns the keys present (for PeerPresent), or nil if the
    /// connection is not (or no longer) the registered one.
    public mutating func watch(key: PublicKey, connectionID: UInt64) -> [PublicKey]? {
        guard entries[key]?.connectionID == connectionID else { return nil }
        entries[key]?.watches = true
        watchers[key] = entries[key]?.handle
        return entries.keys.filter { $0 != key }
    }

    /// Removes a connection if it is still the registered one for `key`.
    /// - Returns: handles to send PeerGone(key, disconnected) to (watchers and recent senders), or nil if the
    ///   connection had already been replaced (then nobody is told: the key is still present).
    public mutating func remove(key: PublicKey, connectionID: UInt64) -> [Handle]? {
        guard let entry = entries[key], entry.connectionID == connectionID else { return nil }
        entries[key] = nil
        watchers[key] = nil
        var notify = Array(watchers.values)
        for sender in entry.senders where watchers[sender] == nil {
            if let handle = entries[sender]?.handle { notify.append(handle) }
        }
        return notify
    }

    /// Records that `sender` sent to `destination` (once per pair; the caller remembers it sent).
    public mutating func noteSender(_ sender: PublicKey, to destination: PublicKey) {
        guard var entry = entries[destination], entry.senders.count < Self.maximumSendersTracked else { return }
        entry.senders.insert(sender)
        entries[destination] = entry
    }

    /// Connections whose certificate no longer verifies (revoked, expired, CA no longer trusted), with the notice to
    /// close each with.
    public func failingRecheck(verifier: CertificateVerifier, now: Timestamp) -> [(
        key: PublicKey, entry: Entry, notice: CloseNotice
    )] {
        entries.compactMap { key, entry in
            Admission.recheck(entry.certificate, verifier: verifier, now: now).map { (key, entry, $0) }
        }
    }
}
