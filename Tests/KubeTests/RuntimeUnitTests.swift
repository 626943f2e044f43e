import CurlHTTP
import Kube
import Synchronization
import Testing

@Suite struct BackoffTests {
    @Test func exponentialDoublesAndCaps() {
        #expect(Backoff.exponential(attempt: 1, base: .milliseconds(100), cap: .seconds(1)) == .milliseconds(100))
        #expect(Backoff.exponential(attempt: 3, base: .milliseconds(100), cap: .seconds(1)) == .milliseconds(400))
        #expect(Backoff.exponential(attempt: 10, base: .milliseconds(100), cap: .seconds(1)) == .seconds(1))
        #expect(Backoff.exponential(attempt: 200, base: .milliseconds(100), cap: .seconds(1)) == .seconds(1))
    }

    @Test func jitterStaysWithinItsRange() {
        #expect(
            Backoff.jittered(attempt: 2, base: .seconds(1), cap: .seconds(10), jitter: 0.5, random: { $0.lowerBound })
                == .seconds(1))
        #expect(
            Backoff.jittered(attempt: 2, base: .seconds(1), cap: .seconds(10), jitter: 0.5, random: { $0.upperBound })
                == .seconds(2))
        for _ in 0..<100 {
            let value = Backoff.jittered(attempt: 3, base: .seconds(1), cap: .seconds(10))
            #expect(value >= .seconds(2) && value <= .seconds(4))
        }
    }
}

@Suite struct WorkQueueTests {
    @Test func deduplicatesQueuedKeys() async {
        let queue = WorkQueue<String>()
        queue.add("a")
        queue.add("a")
        queue.add("b")
        #expect(queue.count == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        queue.shutDown()
        #expect(await queue.next() == nil)
    }

    @Test func oneInFlightPerKeyAndReaddsWaitForDone() async throws {
        let queue = WorkQueue<String>()
        queue.add("a")
        let first = await queue.next()
        #expect(first == "a")
        queue.add("a")  // while processing: deferred
        #expect(queue.count == 0)
        let waiter = Task { await queue.next() }
        try await Task.sleep(for: .milliseconds(50))
        queue.done("a")
        #expect(await waiter.value == "a", "the re-add is delivered once the first pass is done")
        queue.done("a")
        queue.shutDown()
    }

    @Test func delayedKeysArriveAfterTheirDelay() async {
        let queue = WorkQueue<String>()
        let clock = ContinuousClock()
        let start = clock.now
        queue.add("late", after: .milliseconds(150))
        queue.add("now")
        #expect(await queue.next() == "now")
        #expect(await queue.next() == "late")
        #expect(clock.now - start >= .milliseconds(140))
        queue.shutDown()
    }

    @Test func shutdownReleasesEveryWorkerAfterADelayedKeyIsPromoted() async throws {
        // Two idle workers; the one that promotes the delayed key must wake the other, or that worker is never
        // registered again and shutDown cannot release it (a controller would then never stop).
        let queue = WorkQueue<String>()
        let finished = FinishedCount()
        queue.add("late", after: .milliseconds(100))
        let workers = (0..<2).map { _ in
            Task {
                let key = await queue.next()
                finished.increment()
                return key
            }
        }
        for _ in 0..<100 where finished.value < 1 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(finished.value == 1, "one worker gets the promoted key")
        queue.shutDown()
        for _ in 0..<100 where finished.value < 2 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(finished.value == 2, "shutDown releases the other worker")
        if finished.value == 2 {
            let keys = [await workers[0].value, await workers[1].value]
            #expect(keys.compactMap { $0 } == ["late"])
        }
    }

    @Test func addingNowOverridesAPendingDelay() async {
        let queue = WorkQueue<String>()
        queue.add("k", after: .seconds(30))
        #expect(queue.pendingDelayed == 1)
        queue.add("k")
        #expect(queue.pendingDelayed == 0)
        #expect(await queue.next() == "k")
        queue.shutDown()
    }

    @Test func perKeyBackoffGrowsAndForgetResets() async {
        let queue = WorkQueue<String>(
            rateLimit: .init(baseDelay: .milliseconds(10), maxDelay: .seconds(1), ratePerSecond: 1000, burst: 1000))
        queue.addRateLimited("k")
        queue.addRateLimited("k")
        queue.addRateLimited("k")
        #expect(queue.failures(of: "k") == 3)
        queue.forget("k")
        #expect(queue.failures(of: "k") == 0)
        #expect(await queue.next() == "k")
        queue.shutDown()
    }

    @Test func globalBucketLimitsBursts() async {
        let queue = WorkQueue<Int>(
            rateLimit: .init(baseDelay: .milliseconds(1), maxDelay: .seconds(1), ratePerSecond: 10, burst: 5))
        let clock = ContinuousClock()
        let start = clock.now
        for key in 0..<8 { queue.addRateLimited(key) }
        var seen: Set<Int> = []
        for _ in 0..<8 {
            if let key = await queue.next() {
                seen.insert(key)
                queue.done(key)
            }
        }
        #expect(seen.count == 8)
        // 5 go at once, the next 3 at 10/s: about 0.3 s.
        #expect(clock.now - start >= .milliseconds(250))
        queue.shutDown()
    }

    @Test func cancellationEndsAWaitingWorker() async {
        let queue = WorkQueue<String>()
        let worker = Task { await queue.next() }
        worker.cancel()
        #expect(await worker.value == nil)
    }

    @Test func concurrentWorkersNeverShareAKey() async {
        let queue = WorkQueue<Int>()
        for key in 0..<50 { queue.add(key) }
        final class Shared: Sendable {
            let seen = Mutex<[Int]>([])
            let inFlight = Mutex<Set<Int>>([])
            let overlaps = Mutex(0)
        }
        let shared = Shared()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.next() {
                        if !shared.inFlight.withLock({ $0.insert(key).inserted }) {
                            shared.overlaps.withLock { $0 += 1 }
                        }
                        if key % 5 == 0 && shared.seen.withLock({ $0.filter { $0 == key }.count }) == 0 {
                            queue.add(key)
                        }
                        await Task.yield()
                        shared.inFlight.withLock { _ = $0.remove(key) }
                        let total = shared.seen.withLock { seen -> Int in
                            seen.append(key)
                            return seen.count
                        }
                        queue.done(key)
                        if total == 60 { queue.shutDown() }
                    }
                }
            }
        }
        #expect(shared.overlaps.withLock { $0 } == 0)
        // Keys divisible by 5 were re-added while in flight, so they ran exactly twice.
        #expect(
            shared.seen.withLock { $0 }.sorted() == (Array(0..<50) + Array(stride(from: 0, to: 50, by: 5))).sorted())
    }
}

@Suite struct StoreTests {
    func map(_ name: String, _ namespace: String, owner: String? = nil, version: String = "1") -> ConfigMap {
        var map = ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace))
        map.metadata.resourceVersion = version
        if let owner {
            map.metadata.ownerReferences = [
                OwnerReference(apiVersion: "v1", kind: "X", name: "o", uid: owner, controller: true)
            ]
        }
        return map
    }

    @Test func indexesByNamespaceAndOwner() {
        let store = Store<ConfigMap>()
        store.replace([map("a", "n1", owner: "u1"), map("b", "n1"), map("c", "n2", owner: "u1")], resourceVersion: "5")
        #expect(store.isSynced)
        #expect(store.list(namespace: "n1").map(\.name).sorted() == ["a", "b"])
        #expect(store.owned(by: "u1").map(\.name).sorted() == ["a", "c"])
        store.apply(map("a", "n1", owner: "u2", version: "6"))
        #expect(store.owned(by: "u1").map(\.name) == ["c"])
        #expect(store.owned(by: "u2").map(\.name) == ["a"])
        #expect(store.get(name: "a", namespace: "n1")?.metadata.resourceVersion == "6")
        store.remove(map("c", "n2"))
        #expect(store.owned(by: "u1").isEmpty)
        #expect(store.list(namespace: "n2").isEmpty)
        #expect(store.count == 2)
    }
}

@Suite struct ConditionTests {
    @Test func transitionTimeChangesOnlyWithStatus() {
        var conditions: [Condition] = []
        let t1 = RFC3339Time(seconds: 100)
        let t2 = RFC3339Time(seconds: 200)
        conditions.set(Condition(type: "Ready", status: "False", reason: "Starting"), now: t1)
        conditions.set(Condition(type: "Ready", status: "False", reason: "Waiting"), now: t2)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == t1)
        #expect(conditions[type: "Ready"]?.reason == "Waiting")
        conditions.set(Condition(type: "Ready", status: "True"), now: t2)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == t2)
        #expect(conditions.count == 1)
    }
}

/// Counts workers that returned from `next()` (shared with unstructured tasks).
private final class FinishedCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

/// The controller's workers wait for every cache's first list, over a gated transport: a test double that
/// answers lists from canned JSON and holds the Secret list until the test opens the gate (as a restarted API
/// server answers some kinds long after others); watches fail, which the watchers retry. The same controller
/// against a real kube-apiserver is in RuntimeIntegrationTests.
@Suite struct ControllerCacheSyncTests {
    final class GatedTransport: KubeTransport {
        let secretsOpen = Mutex(false)

        static let configMaps =
            #"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[{"#
            + #""metadata":{"name":"parent","namespace":"n","uid":"u-1","resourceVersion":"9"},"data":{"k":"v"}}]}"#
        static let secrets =
            #"{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[{"metadata":{"#
            + #""name":"parent-child","namespace":"n","resourceVersion":"8","ownerReferences":[{"apiVersion":"v1","#
            + #""kind":"ConfigMap","name":"parent","uid":"u-1","controller":true}]},"type":"Opaque"}]}"#

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            if request.url.contains("/secrets") {
                for _ in 0..<500 where !secretsOpen.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
                return HTTPResponse(status: 200, headers: HTTPHeaders(), body: Array(Self.secrets.utf8))
            }
            return HTTPResponse(status: 200, headers: HTTPHeaders(), body: Array(Self.configMaps.utf8))
        }

        func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
            throw HTTPClientError.transport(url: request.url, code: 0, detail: "no watches through this transport")
        }
    }

    @Test func noReconcileRunsBeforeEveryCacheHasListed() async throws {
        let transport = GatedTransport()
        let client = KubeClient(
            configuration: KubeClientConfiguration(server: "https://apiserver.test", auth: .token("t")),
            transport: transport)
        let controller = Controller<ConfigMap>(client: client, name: "sync", namespace: "n")
        let secrets = controller.owns(Secret.self, namespace: "n")
        let seen = Mutex<[Bool]>([])
        let task = Task {
            try await controller.run { key, _ in
                seen.withLock { $0.append(secrets.get(name: "parent-child", namespace: key.namespace) != nil) }
                return .done
            }
        }
        defer { task.cancel() }
        for _ in 0..<250 where !controller.store.isSynced { try await Task.sleep(for: .milliseconds(20)) }
        #expect(controller.store.isSynced, "the primary list is answered at once")
        // Workers poll every 20 ms: give them ten chances to start a reconcile too early.
        try await Task.sleep(for: .milliseconds(200))
        #expect(!controller.hasSynced)
        #expect(seen.withLock { $0 }.isEmpty, "a reconcile ran while the Secret cache had not listed yet")

        transport.secretsOpen.withLock { $0 = true }
        for _ in 0..<250 where seen.withLock({ $0 }).isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(controller.hasSynced)
        #expect(seen.withLock { $0 } == [true], "the first reconcile sees the owned Secret")
    }
}
