/// A frame that breaks the fallback protocol. The receiver closes the connection (a server first sends
/// `Close(protocolError)`) and counts the violation by `metricLabel`.
public enum ProtocolViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// The length field exceeds the 64 KiB cap (or the 1 KiB handshake cap before admission).
    case oversized(type: UInt8, length: Int, limit: Int)
    /// The type byte names no frame type.
    case unknownType(UInt8)
    /// A known type sent in the wrong direction (e.g. a client sending RecvPacket).
    case wrongDirection(FrameType)
    /// The payload length does not fit the type (e.g. a SendPacket shorter than its 32-byte key).
    case badLength(FrameType, length: Int)
    /// A field holds a value the protocol does not allow (bad magic, unknown version, bad UTF-8, ...).
    case badField(FrameType, String)
    /// A well-formed frame that is not allowed at this point (e.g. SendPacket before admission).
    case unexpected(FrameType, state: String)

    /// Prometheus label for counting.
    public var metricLabel: String {
        switch self {
        case .oversized: "oversized"
        case .unknownType: "unknown_type"
        case .wrongDirection: "wrong_direction"
        case .badLength: "bad_length"
        case .badField: "bad_field"
        case .unexpected: "unexpected"
        }
    }

    public var description: String {
        switch self {
        case .oversized(let type, let length, let limit):
            "frame of type 0x\(String(type, radix: 16)) announces \(length) bytes, more than the \(limit)-byte limit; "
                + "split packets to at most \(FrameLimits.maximumPacket) bytes"
        case .unknownType(let type):
            "unknown frame type 0x\(String(type, radix: 16)); the peer speaks another protocol or version "
                + "(this is PeerRelay fallback protocol version \(FrameLimits.version))"
        case .wrongDirection(let type):
            "\(type) frames travel the other way; check which side of the protocol this program implements"
        case .badLength(let type, let length):
            "\(type) frame with a \(length)-byte payload, which that type cannot have (docs/fallback-protocol.md)"
        case .badField(let type, let why):
            "\(type) frame: \(why)"
        case .unexpected(let type, let state):
            "\(type) frame not allowed \(state)"
        }
    }
}
