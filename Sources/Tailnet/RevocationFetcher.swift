public import RelayCore

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
    private let relayCertificate: (@Sendable () -> [UInt8])?

    /// The newest list obtained (from the coordinator or the cache file), if any.
    public private(set) var current: RevocationList?
    /// When the coordinator last confirmed ``current`` (a list or a "not modified"); for a list loaded from the
    /// cache file, the time the coordinator produced it. Its distance to now is the list's age.
    public private(set) var confirmedAt: Timestamp?
    /// The last fetch failure, cleared by a success.
    public private(set) var lastError: String?
    /// Consecutive failed fetches.
    public private(set) var failures = 0
    /// The last answer was a list no newer than ours, sent without waiting (a coordinator behind us, e.g. restored
    /// from a backup): polling again at once would spin.
    private var answeredWithoutNews = false

    /// Creates a fetcher and loads `cachePath` if it holds a list (of `tailnetID`, when given). With
    /// `relayCertificate` every fetch authenticates as the relay whose certificate it returns (read at each fetch,
    /// so a renewed certificate is used at once) instead of with the client's token.
    public init(
        client: CoordinatorClient, cachePath: String? = nil, tailnetID: String? = nil,
        relayCertificate: (@Sendable () -> [UInt8])? = nil
    ) {
        self.client = client
        self.cachePath = cachePath
        self.expectedTailnetID = tailnetID
        self.relayCertificate = relayCertificate
        if let cachePath, let list = Self.load(cachePath), tailnetID == nil || list.tailnetID == tailnetID {
            current = list
            confirmedAt = Timestamp(unixSeconds: list.generatedAt)
        }
    }

    /// The list stored at `path`, if it holds one.
    public static func load(_ path: String) -> RevocationList? {
        guard let text = try? KeyFile.readText(at: path) else { return nil }
        return try? JSONDecoder().decode(RevocationList.self, from: Data(text.utf8))
    }

    /// Fetches the list once; with `wait` > 0 and a current list, long-polls: the coordinator answers as soon as
    /// its version moves past ours, or "not modified" after `wait`. On failure the previous copy stays in
    /// ``current``.
    /// - Returns: Whether the coordinator answered.
    @discardableResult
    public func refresh(wait: Duration = .zero) async -> Bool {
        do {
            let fetched: RevocationList?
            if relayCertificate != nil || wait > .zero {
                fetched = try await client.revocations(
                    since: current?.version ?? -1, wait: current == nil ? .zero : wait,
                    relayCertificate: relayCertificate?())
            } else {
                fetched = try await client.revocations()
            }
            if let list = fetched {
                if let expectedTailnetID, list.tailnetID != expectedTailnetID {
                    throw CoordinatorClientError.badResponse(
                        status: 200, detail: "revocations are for tailnet \(list.tailnetID), not \(expectedTailnetID)")
                }
                // Never step back to an older version (e.g. a lagging replica answering).
                let newer = current == nil || list.version > current!.version
                if newer || list.version == current!.version {
                    if list != current { persist(list) }
                    current = list
                }
                answeredWithoutNews = !newer
            } else {
                answeredWithoutNews = false
            }
            confirmedAt = .now()
            lastError = nil
            failures = 0
            return true
        } catch {
            lastError = "\(error)"
            failures += 1
            return false
        }
    }

    private func persist(_ list: RevocationList) {
        guard let cachePath else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(list) {
            try? KeyFile.writeText(String(decoding: data, as: UTF8.self), to: cachePath)
        }
    }

    /// Refreshes every `interval` until the task is cancelled, calling `onUpdate` whenever the version changes
    /// (and once at start with a cached list). After a failure it waits per `backoff` instead.
    public func run(
        interval: Duration, backoff: RetryBackoff = RetryBackoff(), onUpdate: @Sendable (RevocationList) async -> Void
    ) async {
        await loop(wait: .zero, interval: interval, backoff: backoff, onUpdate: onUpdate)
    }

    /// Long-polls until the task is cancelled (each poll waits up to `wait` for a change), calling `onUpdate`
    /// whenever the version changes (and once at start with a cached list); after failures it waits per `backoff`.
    /// `onAttempt` runs after every poll (for metrics).
    public func follow(
        wait: Duration, backoff: RetryBackoff = RetryBackoff(), onAttempt: @Sendable (Bool) async -> Void = { _ in },
        onUpdate: @Sendable (RevocationList) async -> Void
    ) async {
        await loop(wait: wait, interval: .zero, backoff: backoff, onAttempt: onAttempt, onUpdate: onUpdate)
    }

    private func loop(
        wait: Duration, interval: Duration, backoff: RetryBackoff, onAttempt: @Sendable (Bool) async -> Void = { _ in },
        onUpdate: @Sendable (RevocationList) async -> Void
    ) async {
        var delivered = current?.version
        if let current { await onUpdate(current) }
        while !Task.isCancelled {
            let answered = await refresh(wait: wait)
            await onAttempt(answered)
            if let current, current.version != delivered {
                delivered = current.version
                await onUpdate(current)
            }
            var pause =
                answered ? interval : backoff.delay(afterFailures: failures, random: Double.random(in: 0..<1))
            if answered && wait > .zero && answeredWithoutNews { pause = max(pause, backoff.cap / 30) }
            if pause > .zero {
                do { try await Task.sleep(for: pause) } catch { return }
            }
        }
    }
}
