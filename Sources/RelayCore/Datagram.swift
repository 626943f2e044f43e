/// A classified relay datagram (PROTOCOL.md §3–4). Classification never allocates.
public struct Datagram: Sendable, Hashable {
    /// Forwarded data, or a control message and its sender.
    public enum Kind: Sendable, Hashable {
        /// O = 0: forwarded verbatim between the session's bound addresses (WireGuard or end-to-end Ping/Pong).
        case data
        /// O = 1, protocol 0x7A11, with an envelope from `sender` starting at byte 8.
        case control(sender: PublicKey)
    }

    /// The datagram's Geneve header.
    public var header: GeneveHeader
    /// What the datagram is.
    public var kind: Kind

    /// Creates a classification.
    @inlinable
    public init(header: GeneveHeader, kind: Kind) {
        self.header = header
        self.kind = kind
    }

    /// The session id.
    @inlinable
    public var vni: UInt32 { header.vni }

    /// True for datagrams to forward.
    @inlinable
    public var isData: Bool {
        if case .data = kind { return true }
        return false
    }
}

/// Classifies whole datagrams as received from the socket.
public enum DatagramParser {
    /// Validates the Geneve header and, for control datagrams, the envelope framing (magic, minimum length), and
    /// returns what the datagram is. Throws the drop reason for anything malformed.
    @inlinable
    public static func classify(_ datagram: UnsafeRawBufferPointer) throws(DropReason) -> Datagram {
        let header = try GeneveHeader(parsing: datagram)
        guard header.isControl else { return Datagram(header: header, kind: .data) }
        let envelope = UnsafeRawBufferPointer(rebasing: datagram[GeneveHeader.size...])
        let sender = try SealedEnvelope.peekSender(envelope)
        return Datagram(header: header, kind: .control(sender: sender))
    }

    /// Opens and decodes the control message of a datagram already classified as control, using `key` (the shared
    /// key between the receiver and the envelope's sender).
    public static func openControl(_ datagram: UnsafeRawBufferPointer, key: SharedKey) throws(DropReason)
        -> ControlMessage
    {
        guard datagram.count >= GeneveHeader.size else { throw .tooShort }
        let envelope = try SealedEnvelope(parsing: UnsafeRawBufferPointer(rebasing: datagram[GeneveHeader.size...]))
        return try ControlMessage(decoding: try envelope.open(with: key))
    }

    /// Opens an envelope (bytes after the Geneve header) and decodes the message.
    public static func openEnvelope(_ envelope: UnsafeRawBufferPointer, key: SharedKey) throws(DropReason)
        -> ControlMessage
    {
        let parsed = try SealedEnvelope(parsing: envelope)
        return try ControlMessage(decoding: try parsed.open(with: key))
    }
}
