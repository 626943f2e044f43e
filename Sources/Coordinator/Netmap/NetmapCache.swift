/// Holds the newest ``NetmapSnapshot`` and loads a new one at most once per version, however many long-polling
/// requests wake up at the same moment.
actor NetmapCache {
    private let store: CoordinatorStore
    private var current: NetmapSnapshot?
    private var loading: Task<NetmapSnapshot, any Error>?

    init(store: CoordinatorStore) {
        self.store = store
    }

    /// A snapshot at `minimumVersion` or newer.
    func snapshot(minimumVersion: Int64) async throws -> NetmapSnapshot {
        if let current, current.version >= minimumVersion { return current }
        if let loading {
            let snapshot = try await loading.value
            if snapshot.version >= minimumVersion { return snapshot }
        }
        // The one unstructured task here shares a single database read among concurrent callers; it is awaited
        // by every caller and never outlives them.
        let store = self.store
        let task = Task { try await store.loadNetmapSnapshot() }
        loading = task
        defer { if loading == task { loading = nil } }
        let snapshot = try await task.value
        if snapshot.version > current?.version ?? Int64.min { current = snapshot }
        return snapshot
    }
}
