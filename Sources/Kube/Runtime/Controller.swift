import Logging
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
public final class Controller<T: KubeObject>: ServiceLifecycle.Service, Sendable {
    public typealias Reconcile = @Sendable (ObjectKey, Controller<T>) async throws -> ReconcileAction

    public let client: KubeClient
    public let name: String
    public let store = Store<T>()
    public let queue: WorkQueue<ObjectKey>
    let workers: Int
    let watcherConfiguration: Watcher<T>.Configuration
    let reconcile: Reconcile
    let logger: Logger
    private let secondaries = Mutex<[@Sendable (Controller<T>) async -> Void]>([])
    private let reconciles = Atomic<Int>(0)

    public init(
        client: KubeClient, name: String, namespace: String? = nil, labelSelector: String? = nil, workers: Int = 2,
        rateLimit: WorkQueue<ObjectKey>.RateLimit = .init(), logger: Logger? = nil, reconcile: @escaping Reconcile
    ) {
        self.client = client
        self.name = name
        self.workers = max(1, workers)
        self.queue = WorkQueue(rateLimit: rateLimit)
        self.watcherConfiguration = .init(namespace: namespace, labelSelector: labelSelector)
        self.reconcile = reconcile
        self.logger = logger ?? Logger(label: "kube.controller.\(name)")
    }

    /// Also watch `O`; events of an `O` whose controller owner reference is a `T` enqueue that owner.
    @discardableResult
    public func owns<O: KubeObject>(_ type: O.Type, namespace: String? = nil, labelSelector: String? = nil) -> Store<O> {
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
        _ type: O.Type, namespace: String? = nil, labelSelector: String? = nil, map: @escaping @Sendable (O) -> [ObjectKey]
    ) -> Store<O> {
        let store = Store<O>()
        let configuration = Watcher<O>.Configuration(namespace: namespace, labelSelector: labelSelector)
        secondaries.withLock {
            $0.append { controller in
                let watcher = Watcher<O>(client: controller.client, configuration: configuration)
                await watcher.run(into: store) { event in
                    switch event {
                    case .restarted(let objects, _): for object in objects { for key in map(object) { controller.queue.add(key) } }
                    case .applied(let object), .deleted(let object): for key in map(object) { controller.queue.add(key) }
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

    /// How many reconciles have run.
    public var reconcileCount: Int { reconciles.load(ordering: .relaxed) }

    /// Runs watchers and workers until graceful shutdown or cancellation.
    public func run() async throws {
        let queue = self.queue
        await withTaskCancellationHandler {
            await cancelWhenGracefulShutdown {
                await self.runUntilCancelled()
            }
        } onCancel: {
            queue.shutDown()
        }
        queue.shutDown()
    }

    private func runUntilCancelled() async {
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
            for _ in 0..<workers { group.addTask { await self.work() } }
            await group.next()
            self.queue.shutDown()
            group.cancelAll()
        }
    }

    private func work() async {
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
