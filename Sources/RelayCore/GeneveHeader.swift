/// Geneve protocol types used by PeerRelay (PROTOCOL.md §3).
public enum GeneveProtocol: UInt16, Sendable, Hashable {
    /// Sealed control messages (relay control with O = 1, end-to-end Ping/Pong with O = 0).
    case control = 0x7A11
    /// WireGuard packets.
    case wireGuard = 0x7A12
}

/// The 8-byte Geneve header (RFC 8926, no options) that starts every relay datagram.
public struct GeneveHeader: Hashable, Sendable {
    /// Encoded size.
    public static let size = 8
    /// Largest VNI (24 bits).
    public static let maximumVNI: UInt32 = 0xFF_FFFF

    /// O bit: relay control message (true) or forwarded datagram (false).
    public var isControl: Bool
    /// The Geneve protocol type (0x7A11 for relay control).
    public var protocolType: GeneveProtocol
    /// Session id; 0 for allocation.
    public var vni: UInt32

    /// Creates a header.
    public init(isControl: Bool, protocolType: GeneveProtocol, vni: UInt32) {
        precondition(vni <= Self.maximumVNI, "a VNI is 24 bits")
        self.isControl = isControl
        self.protocolType = protocolType
        self.vni = vni
    }

    /// Parses the first 8 bytes of `datagram` without allocating.
    @inlinable
    public init(parsing datagram: UnsafeRawBufferPointer) throws(DropReason) {
        guard datagram.count >= 8 else { throw .tooShort }
        let word0 = UInt32(bigEndian: datagram.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let word1 = UInt32(bigEndian: datagram.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        // byte 0 (version + option length) must be 0; byte 1 may only carry the O bit; byte 7 reserved = 0.
        guard word0 & 0xFF7F_0000 == 0, word1 & 0xFF == 0 else { throw .badGeneveHeader }
        let isControl = word0 & 0x0080_0000 != 0
        let rawProtocol = UInt16(truncatingIfNeeded: word0)
        let protocolType: GeneveProtocol
        switch rawProtocol {
        case 0x7A11: protocolType = .control
        case 0x7A12:
            guard !isControl else { throw .controlBitOnWireGuard }
            protocolType = .wireGuard
        default: throw .unknownProtocol
        }
        self.isControl = isControl
        self.protocolType = protocolType
        self.vni = word1 >> 8
    }

    /// Writes the 8 header bytes at the start of `buffer` (at least 8 bytes).
    @inlinable
    public func write(to buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 8, "a Geneve header is 8 bytes")
        let word0 = (isControl ? UInt32(0x0080_0000) : 0) | UInt32(protocolType.rawValue)
        let word1 = vni << 8
        buffer.storeBytes(of: word0.bigEndian, toByteOffset: 0, as: UInt32.self)
        buffer.storeBytes(of: word1.bigEndian, toByteOffset: 4, as: UInt32.self)
    }

    /// The 8 header bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 8)
        out.withUnsafeMutableBytes { write(to: $0) }
        return out
    }
}
