/// STUN Binding (RFC 5389) as PeerRelay uses it: a node learns its reflexive address ("how the internet sees my UDP
/// port") from the coordinator and from relays, on their existing ports.
///
/// Only Binding Request and Binding Success Response with XOR-MAPPED-ADDRESS are spoken. A server never answers
/// with more bytes than the request had (no amplification), so a client pads its request with a SOFTWARE attribute
/// to `STUNMessage.paddedRequestSize` bytes, enough for an IPv6 answer.
public enum STUNMessage: Hashable, Sendable {
    /// A Binding Request carrying `transactionID`.
    case bindingRequest(STUNTransactionID)
    /// A Binding Success Response: the request's id and the source address the server saw.
    case bindingResponse(STUNTransactionID, mapped: EndpointAddress)

    /// RFC 5389 magic cookie, bytes 4…7 of every STUN message.
    public static let magicCookie: UInt32 = 0x2112_A442
    /// STUN header size.
    public static let headerSize = 20
    /// Request size a PeerRelay client sends: room for the largest answer (IPv6 XOR-MAPPED-ADDRESS).
    public static let paddedRequestSize = headerSize + 4 + 20
    static let bindingRequestType: UInt16 = 0x0001
    static let bindingSuccessType: UInt16 = 0x0101
    static let xorMappedAddress: UInt16 = 0x0020
    static let mappedAddress: UInt16 = 0x0001
    static let software: UInt16 = 0x8022

    /// True when `datagram` is framed like a STUN message (top two bits zero, length field matching, magic cookie):
    /// the cheap test that separates STUN from WireGuard and Geneve on a shared UDP port.
    public static func looksLikeSTUN(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard datagram.count >= headerSize, datagram[0] & 0xC0 == 0 else { return false }
        let length = Int(UInt16(datagram[2]) << 8 | UInt16(datagram[3]))
        return length % 4 == 0 && length + headerSize == datagram.count
            && UInt32(bigEndian: datagram.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == magicCookie
    }

    /// Decodes a Binding Request or Binding Success Response. Unknown attributes are skipped.
    public init(decoding datagram: UnsafeRawBufferPointer) throws(STUNError) {
        guard Self.looksLikeSTUN(datagram) else { throw .notSTUN }
        var reader = ByteReader(datagram)
        let type = reader.readUInt16()!
        _ = reader.readUInt16()
        _ = reader.readUInt32()
        let id = STUNTransactionID(loading: datagram, at: 8)
        _ = reader.readBytes(12)
        switch type {
        case Self.bindingRequestType:
            self = .bindingRequest(id)
        case Self.bindingSuccessType:
            var mapped: EndpointAddress?
            while reader.remaining >= 4 {
                let attribute = reader.readUInt16()!
                let length = Int(reader.readUInt16()!)
                guard let value = reader.readBytes(length) else { throw .malformed("attribute overruns the message") }
                _ = reader.readBytes((4 - length % 4) % 4)
                if attribute == Self.xorMappedAddress {
                    mapped = try Self.decodeAddress(value, xor: id)
                } else if attribute == Self.mappedAddress, mapped == nil {
                    mapped = try Self.decodeAddress(value, xor: nil)
                }
            }
            guard let mapped else { throw .malformed("Binding Success Response without a mapped address") }
            self = .bindingResponse(id, mapped: mapped)
        default:
            throw .unsupportedType(type)
        }
    }

    /// The wire bytes. A request is padded to `paddedRequestSize` (or `requestSize` if larger, rounded up to 4).
    public func encoded(requestSize: Int = paddedRequestSize) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        switch self {
        case .bindingRequest(let id):
            let padding = max(0, (max(requestSize, Self.paddedRequestSize) - Self.headerSize - 4 + 3) / 4 * 4)
            writer.append(Self.bindingRequestType)
            writer.append(UInt16(4 + padding))
            writer.append(Self.magicCookie)
            writer.append(contentsOf: id.bytes)
            writer.append(Self.software)
            writer.append(UInt16(padding))
            let label = Array("peerrelay".utf8)
            writer.append(contentsOf: (0..<padding).map { $0 < label.count ? label[$0] : 0x20 })
        case .bindingResponse(let id, let mapped):
            let value = Self.encodeAddress(mapped, xor: id)
            writer.append(Self.bindingSuccessType)
            writer.append(UInt16(4 + value.count))
            writer.append(Self.magicCookie)
            writer.append(contentsOf: id.bytes)
            writer.append(Self.xorMappedAddress)
            writer.append(UInt16(value.count))
            writer.append(contentsOf: value)
        }
        return writer.bytes
    }

    /// The server side: the answer to `request` received from `source`, or nil when the datagram is not a Binding
    /// Request or the answer would be larger than the request (a bare 20-byte request is never answered).
    public static func answer(_ request: UnsafeRawBufferPointer, from source: EndpointAddress) -> [UInt8]? {
        guard case .bindingRequest(let id)? = try? STUNMessage(decoding: request) else { return nil }
        let reply = STUNMessage.bindingResponse(id, mapped: source).encoded()
        return reply.count <= request.count ? reply : nil
    }

    static func encodeAddress(_ address: EndpointAddress, xor id: STUNTransactionID) -> [UInt8] {
        var writer = ByteWriter(capacity: 20)
        writer.append(UInt8(0))
        writer.append(UInt8(address.isIPv4 ? 1 : 2))
        writer.append(address.port ^ UInt16(magicCookie >> 16))
        let mask = Self.xorMask(id)
        if let v4 = address.ipv4 {
            writer.append(v4 ^ magicCookie)
        } else {
            writer.append(contentsOf: zip(address.addressBytes, mask).map { $0 ^ $1 })
        }
        return writer.bytes
    }

    static func decodeAddress(_ value: [UInt8], xor id: STUNTransactionID?) throws(STUNError) -> EndpointAddress {
        guard value.count >= 4 else { throw .malformed("address attribute shorter than 4 bytes") }
        var port = UInt16(value[2]) << 8 | UInt16(value[3])
        if id != nil { port ^= UInt16(magicCookie >> 16) }
        switch (value[1], value.count) {
        case (1, 8):
            var v4 = value[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if id != nil { v4 ^= magicCookie }
            return EndpointAddress(ipv4: v4, port: port)
        case (2, 20):
            var bytes = Array(value[4..<20])
            if let id { bytes = zip(bytes, xorMask(id)).map { $0 ^ $1 } }
            return EndpointAddress(ipv6: bytes, port: port)
        default:
            throw .malformed("address family \(value[1]) with \(value.count - 4) address bytes")
        }
    }

    /// Magic cookie then transaction id: the 16-byte XOR mask of an IPv6 XOR-MAPPED-ADDRESS.
    static func xorMask(_ id: STUNTransactionID) -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.append(magicCookie)
        writer.append(contentsOf: id.bytes)
        return writer.bytes
    }
}

/// The 96-bit transaction id of a STUN message.
public struct STUNTransactionID: Hashable, Sendable, CustomStringConvertible {
    /// The 12 bytes.
    public let bytes: [UInt8]

    /// From exactly 12 bytes; nil otherwise.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    init(loading buffer: UnsafeRawBufferPointer, at offset: Int) {
        self.bytes = Array(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 12]))
    }

    /// A random id.
    public static func random() -> STUNTransactionID { STUNTransactionID(bytes: Sodium.randomBytes(12))! }

    public var description: String { Hex.encode(bytes) }
}

/// A datagram that is not a STUN message PeerRelay understands.
public enum STUNError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not framed as STUN (length, top bits or magic cookie).
    case notSTUN
    /// A STUN message type other than Binding Request / Binding Success Response.
    case unsupportedType(UInt16)
    /// An attribute is truncated or an address is malformed.
    case malformed(String)

    public var description: String {
        switch self {
        case .notSTUN: "not a STUN message (RFC 5389 framing or magic cookie wrong)"
        case .unsupportedType(let type):
            "STUN message type 0x\(String(type, radix: 16)) is not a Binding Request or Binding Success Response"
        case .malformed(let what): "malformed STUN message: \(what)"
        }
    }
}
