/// Sizes fixed by the fallback protocol (docs/fallback-protocol.md §2).
public enum FrameLimits {
    /// Type byte and 4-byte big-endian length.
    public static let headerSize = 5
    /// Largest payload of any frame: 64 KiB.
    public static let maximumPayload = 65_536
    /// Largest packet a SendPacket/SendControl may carry: the payload cap less the 32-byte key.
    public static let maximumPacket = maximumPayload - 32
    /// Largest ClientHello payload: key, sealed box overhead, version, flags, challenge, certificate.
    public static let maximumClientHello = 32 + 40 + 2 + 32 + 512
    /// Longest Close message text in bytes.
    public static let maximumCloseMessage = 1024
    /// Protocol version carried in ServerHello and ClientHello.
    public static let version: UInt8 = 1
    /// ServerHello magic: "PRFB".
    public static let magic: [UInt8] = [0x50, 0x52, 0x46, 0x42]
    /// Challenge length in bytes.
    public static let challengeSize = 32
}
