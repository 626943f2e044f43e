/// Hands out tailnet addresses from 100.64.0.0/10 (the CGNAT range Tailscale also uses).
///
/// Addresses are taken in order from a persistent cursor, so an address freed by a removed node is not reused until
/// the whole range (about 4.19 million addresses) has been handed out once; then free addresses are found by probing
/// forward from the cursor. The network and broadcast addresses of the /10 are never used.
struct AddressAllocator: Sendable {
    /// First usable offset (100.64.0.1).
    static let firstOffset: UInt32 = 1
    /// Last usable offset (100.127.255.254).
    static let lastOffset: UInt32 = (1 << 22) - 2
    static let base: UInt32 = (100 << 24) | (64 << 16)

    /// Picks the next free address at or after `cursor`.
    ///
    /// - Parameters:
    ///   - cursor: Offset to start from (wraps into the usable range).
    ///   - isTaken: Whether an address (dotted quad) is already in use.
    ///   - maxProbes: Bound on how many addresses are tried.
    /// - Returns: The address and the cursor to store for the next call, or `nil` when `maxProbes` addresses were
    ///   all taken.
    static func next(
        cursor: UInt32, maxProbes: Int = 4096, isTaken: (String) throws -> Bool
    ) rethrows -> (address: String, nextCursor: UInt32)? {
        var offset = clamp(cursor)
        for _ in 0..<maxProbes {
            let address = format(offset)
            let following = offset == lastOffset ? firstOffset : offset + 1
            if try !isTaken(address) { return (address, following) }
            offset = following
        }
        return nil
    }

    /// Dotted quad of `base + offset`.
    static func format(_ offset: UInt32) -> String {
        let value = base + offset
        return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    /// Whether `address` is a usable address of the range.
    static func contains(_ address: String) -> Bool {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return false }
        let value = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]
        guard value >= base else { return false }
        let offset = value - base
        return offset >= firstOffset && offset <= lastOffset
    }

    private static func clamp(_ cursor: UInt32) -> UInt32 {
        (firstOffset...lastOffset).contains(cursor) ? cursor : firstOffset
    }
}
