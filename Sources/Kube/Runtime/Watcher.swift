public import Logging

/// What a watcher reports.
public enum WatcherEvent<T: KubeObject>: Sendable {
    /// A full (re-)list: the complete current state replaces anything known before.
    case restarted([T], resourceVersion: String)
    case applied(T)
    case deleted(T)
}

/// Keeps a view of a resource current: list, then watch from the list's resourceVersion with
/// bookmarks; re-watch when a watch ends; re-list on 410 Gone; back off with jitter on errors.
public struct Watcher<T: KubeObject>: Sendable {
    /// What to watch and how to pace re-lists and re-watches.
    public struct Configuration: Sendable {
        /// Namespace to watch; nil watches all namespaces.
        public var namespace: String?
        /// Only objects with matching labels.
        public var labelSelector: String?
        /// Only objects with matching fields.
        public var fieldSelector: String?
        /// Objects per list page.
        public var pageSize: Int
        /// Server-side watch timeout range (seconds); a random value is used per watch.
        public var watchTimeout: ClosedRange<Int>
        /// First wait after an error.
        public var backoffBase: Duration
        /// Longest wait after repeated errors.
        public var backoffCap: Duration
        /// Ask for BOOKMARK events (keeps the resume point fresh when nothing changes).
        public var bookmarks: Bool

        /// A configuration; nil namespace watches all namespaces.
        public init(
            namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500,
            watchTimeout: ClosedRange<Int> = 300...600, backoffBase: Duration = .milliseconds(200),
            backoffCap: Duration = .seconds(30), bookmarks: Bool = true
        ) {
            self.bookmarks = bookmarks
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.pageSize = pageSize
            self.watchTimeout = watchTimeout
            self.backoffBase = backoffBase
            self.backoffCap = backoffCap
        }
    }

    /// The client lists and watches go through.
    public let client: KubeClient
    /// The kind watched.
    public let resource: KubeResource
    /// What to watch and how to pace it.
    public let configuration: Configuration
    let logger: Logger

    /// A watcher of `resource` through `client`.
    public init(
        client: KubeClient, resource: KubeResource = T.resource, configuration: Configuration = Configuration(),
        logger: Logger? = nil
    ) {
        self.client = client
        self.resource = resource
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "kube.watcher.\(resource)")
    }

    /// Runs until the task is cancelled, handing every event to `handle` in order.
    public func run(_ handle: @Sendable (WatcherEvent<T>) async -> Void) async {
        var resourceVersion: String?
        var failures = 0
        while !Task.isCancelled {
            do {
                if resourceVersion == nil {
                    let list = try await client.listAll(
                        T.self, resource: resource, namespace: configuration.namespace,
                        options: ListOptions(
                            labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector),
                        pageSize: configuration.pageSize)
                    let version = list.metadata.resourceVersion ?? "0"
                    resourceVersion = version
                    await handle(.restarted(list.items, resourceVersion: version))
                    failures = 0
                }
                let stream = try await client.watch(
                    T.self, resource: resource, namespace: configuration.namespace,
                    options: WatchOptions(
                        labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector,
                        resourceVersion: resourceVersion, allowWatchBookmarks: configuration.bookmarks,
                        timeoutSeconds: Int.random(in: configuration.watchTimeout)))
                for try await event in stream {
                    failures = 0
                    switch event {
                    case .added(let object), .modified(let object):
                        resourceVersion = object.metadata.resourceVersion ?? resourceVersion
                        await handle(.applied(object))
                    case .deleted(let object):
                        resourceVersion = object.metadata.resourceVersion ?? resourceVersion
                        await handle(.deleted(object))
                    case .bookmark(let version):
                        if !version.isEmpty { resourceVersion = version }
                    }
                }
                // A clean end (server timeout): watch again from the last version seen.
            } catch let error as KubeError {
                if Task.isCancelled { return }
                if error.isGone {
                    logger.info("watch of \(resource) expired (\(error.status?.message ?? "410")); re-listing")
                    resourceVersion = nil
                    continue
                }
                failures += 1
                let delay = Backoff.jittered(
                    attempt: failures, base: configuration.backoffBase, cap: configuration.backoffCap)
                logger.warning("watch of \(resource) failed: \(error); retrying in \(delay)")
                do { try await Task.sleep(for: delay) } catch { return }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("watch of \(resource) failed: \(error)")
                do {
                    try await Task.sleep(
                        for: Backoff.jittered(
                            attempt: failures, base: configuration.backoffBase, cap: configuration.backoffCap))
                } catch { return }
            }
        }
    }

    /// Runs the watcher into a store (a reflector) until cancelled; `onChange` sees every event after
    /// the store has applied it.
    public func run(into store: Store<T>, onChange: @Sendable (WatcherEvent<T>) async -> Void = { _ in }) async {
        await run { event in
            switch event {
            case .restarted(let objects, let version): store.replace(objects, resourceVersion: version)
            case .applied(let object): store.apply(object)
            case .deleted(let object): store.remove(object)
            }
            await onChange(event)
        }
    }
}
