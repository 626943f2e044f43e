public import Logging
import ServiceLifecycle
import Synchronization

/// What a reconcile asks for next.
public enum ReconcileAction: Sendable, Equatable {
    /// Nothing until the object (or something it owns) changes.
    case done
    /// Again soon, with the per-key backoff.
    case requeue
    /// Again after this delay (periodic resync, waiting for something external).
    case requeueAfter(Duration)
}

/// A level-triggered controller: watches a primary kind (and kinds it owns or maps to it), keeps a
/// cache of each, and reconciles keys from a work queue with at most one reconcile per key at a time.
/// Errors and `.requeue` retry with per-key exponential backoff; success forgets the backoff.
///
/// Set it up in two steps, like kube-rs' `Controller::new(…).owns(…).run(reconcile)`: declare the watched
/// kinds (``owns(_:namespace:labelSelector:)``, ``watches(_:namespace:labelSelector:map:)``), which hand out
/// their caches, then build the reconciler on those caches and pass it to ``run(_:)``.
public final class Controller<T: KubeObject>: Sendable {
    /// Reconciles one key; the controller is passed for its client and caches.
    public typealias Reconcile = @Sendable (ObjectKey, Controller<T>) async throws -> ReconcileAction

    /// The client the watches (and usually the reconciler) use.
    public let client: KubeClient
    /// A name for logs.
    public let name: String
    /// The cache of the primary kind.
    public let store = Store<T>()
    /// Keys waiting for a reconcile.
    public let queue: WorkQueue<ObjectKey>
    let workers: Int
    let watcherConfiguration: Watcher<T>.Configuration
    let logger: Logger
    private let secondaries = Mutex<[@Sendable (Controller<T>) async -> Void]>([])
    private let secondarySyncs = Mutex<[@Sendable () -> Bool]>([])
    private let reconciles = Atomic<Int>(0)

    /// A controller of the `T` objects in `namespace` (nil: all namespaces) matching `labelSelector`, with
    /// `workers` concurrent reconciles.
    public init(
        client: KubeClient, name: String, namespace: String? = nil, labelSelector: String? = nil, workers: Int = 2,
        rateLimit: WorkQueue<ObjectKey>.RateLimit = .init(), logger: Logger? = nil
    ) {
        self.client = client
        self.name = name
        self.workers = max(1, workers)
        self.queue = WorkQueue(rateLimit: rateLimit)
        self.watcherConfiguration = .init(namespace: namespace, labelSelector: labelSelector)
        self.logger = logger ?? Logger(label: "kube.controller.\(name)")
    }

    /// Also watch `O`; events of an `O` whose controller owner reference is a `T` enqueue that owner.
    @discardableResult
    public func owns<O: KubeObject>(_ type: O.Type, namespace: String? = nil, labelSelector: String? = nil) -> Store<O>
    {
        let kind = T.resource.kind
        let group = T.resource.group
        return watches(O.self, namespace: namespace, labelSelector: labelSelector) { object in
            guard let owner = object.metadata.ownerReferences?.first(where: { $0.controller == true }),
                owner.kind == kind, Self.group(of: owner.apiVersion) == group
            else { return [] }
            return [ObjectKey(namespace: T.resource.namespaced ? object.metadata.namespace : nil, name: owner.name)]
        }
    }

    /// Also watch `O`, mapping each of its events to primary keys.
    @discardableResult
    public func watches<O: KubeObject>(
        _ type: O.Type, namespace: String? = nil, labelSelector: String? = nil,
        map: @escaping @Sendable (O) -> [ObjectKey]
    ) -> Store<O> {
        let store = Store<O>()
        let configuration = Watcher<O>.Configuration(namespace: namespace, labelSelector: labelSelector)
        secondarySyncs.withLock { $0.append { store.isSynced } }
        secondaries.withLock {
            $0.append { controller in
                let watcher = Watcher<O>(client: controller.client, configuration: configuration)
                await watcher.run(into: store) { event in
                    switch event {
                    case .restarted(let objects, _):
                        for object in objects { for key in map(object) { controller.queue.add(key) } }
                    case .applied(let object), .deleted(let object):
                        for key in map(object) { controller.queue.add(key) }
                    }
                }
            }
        }
        return store
    }

    static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// Whether the primary cache and every secondary one have stored their first full list.
    public var hasSynced: Bool {
        store.isSynced && secondarySyncs.withLock { $0 }.allSatisfy { $0() }
    }

    /// How many reconciles have run.
    public var reconcileCount: Int { reconciles.load(ordering: .relaxed) }

    /// Runs watchers and workers, reconciling with `reconcile`, until graceful shutdown or cancellation.
    public func run(_ reconcile: @escaping Reconcile) async throws {
        let queue = self.queue
        await withTaskCancellationHandler {
            await cancelWhenGracefulShutdown {
                await self.runUntilCancelled(reconcile)
            }
        } onCancel: {
            queue.shutDown()
        }
        queue.shutDown()
    }

    private func runUntilCancelled(_ reconcile: @escaping Reconcile) async {
        let secondaries = self.secondaries.withLock { $0 }
        await withTaskGroup(of: Void.self) { group in
            let watcher = Watcher<T>(client: client, configuration: watcherConfiguration)
            group.addTask {
                await watcher.run(into: self.store) { event in
                    switch event {
                    case .restarted(let objects, _): for object in objects { self.queue.add(ObjectKey(object)) }
                    case .applied(let object), .deleted(let object): self.queue.add(ObjectKey(object))
                    }
                }
            }
            for secondary in secondaries { group.addTask { await secondary(self) } }
            for _ in 0..<workers {
                group.addTask {
                    await self.waitForCacheSync()
                    await self.work(reconcile)
                }
            }
            await group.next()
            self.queue.shutDown()
            group.cancelAll()
        }
    }

    /// Holds a worker until every cache has listed once. A reconcile on a half-filled cache takes what it
    /// cannot see yet for missing: it would recreate children, or generate new keys for a Secret that exists.
    /// This matters most after an API server restart, when the lists of some kinds return long after others.
    func waitForCacheSync(poll: Duration = .milliseconds(20), reportEvery: Int = 500) async {
        var polls = 0
        while !hasSynced {
            do { try await Task.sleep(for: poll) } catch { return }
            polls += 1
            if polls % reportEvery == 0 {
                logger.warning("\(name): still waiting for the caches' first list before reconciling")
            }
        }
    }

    private func work(_ reconcile: Reconcile) async {
        while let key = await queue.next() {
            defer { queue.done(key) }
            reconciles.add(1, ordering: .relaxed)
            do {
                switch try await reconcile(key, self) {
                case .done: queue.forget(key)
                case .requeue: queue.addRateLimited(key)
                case .requeueAfter(let delay):
                    queue.forget(key)
                    queue.add(key, after: delay)
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("reconcile of \(key) failed: \(error); retrying with backoff")
                queue.addRateLimited(key)
            }
        }
    }
}
