import RelayCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Keeps a relay's copy of the revocation list current, and keeps serving the last good copy (also persisted to
/// `cachePath`) while the coordinator is unreachable, so a restarted relay still refuses revoked certificates.
public actor RevocationFetcher {
    private let client: CoordinatorClient
    private let cachePath: String?
    private let expectedTailnetID: String?

    /// The newest list obtained (from the coordinator or the cache file), if any.
    public private(set) var current: RevocationList?
    /// The last fetch failure, cleared by a success.
    public private(set) var lastError: String?
    /// Consecutive failed fetches.
    public private(set) var failures = 0

    /// Creates a fetcher and loads `cachePath` if it holds a list (of `tailnetID`, when given).
    public init(client: CoordinatorClient, cachePath: String? = nil, tailnetID: String? = nil) {
        self.client = client
        self.cachePath = cachePath
        self.expectedTailnetID = tailnetID
        if let cachePath, let text = try? KeyFile.readText(at: cachePath),
            let list = try? JSONDecoder().decode(RevocationList.self, from: Data(text.utf8)),
            tailnetID == nil || list.tailnetID == tailnetID
        {
            current = list
        }
    }

    /// Fetches the list once. On failure the previous copy stays in ``current``.
    /// - Returns: Whether the fetch succeeded.
    @discardableResult
    public func refresh() async -> Bool {
        do {
            let list = try await client.revocations()
            if let expectedTailnetID, list.tailnetID != expectedTailnetID {
                throw CoordinatorClientError.badResponse(
                    status: 200, detail: "revocations are for tailnet \(list.tailnetID), not \(expectedTailnetID)")
            }
            // Never step back to an older version (e.g. a lagging replica answering).
            if let current, list.version < current.version { return true }
            current = list
            lastError = nil
            failures = 0
            if let cachePath {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                if let data = try? encoder.encode(list) {
                    try? KeyFile.writeText(String(decoding: data, as: UTF8.self), to: cachePath)
                }
            }
            return true
        } catch {
            lastError = "\(error)"
            failures += 1
            return false
        }
    }

    /// Refreshes every `interval` (sooner after failures is pointless: the coordinator is down) until the task is
    /// cancelled, calling `onUpdate` whenever the version changes.
    public func run(interval: Duration, onUpdate: @Sendable (RevocationList) async -> Void) async {
        var delivered = current?.version
        if let current { await onUpdate(current) }
        while !Task.isCancelled {
            await refresh()
            if let current, current.version != delivered {
                delivered = current.version
                await onUpdate(current)
            }
            try? await Task.sleep(for: interval)
        }
    }
}
