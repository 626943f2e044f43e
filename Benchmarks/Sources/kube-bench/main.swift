// kube-bench: measurements behind Benchmarks/bench-kube (see docs/benchmarks.md).
//   kube-bench seed <kubeconfig> <namespace> <count>       create <count> ConfigMaps (16 in flight)
//   kube-bench measure <kubeconfig> <namespace> <runs>     print JSON: cache memory, list latency, watch rates
import BenchmarkSupport
import Foundation
import Kube
import Synchronization

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kube-bench: \(message)\n".utf8))
    exit(1)
}

func residentBytes() -> Int {
    (residentKiB() ?? 0) * 1024
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

let arguments = CommandLine.arguments
guard arguments.count >= 5 else { fail("usage: kube-bench seed|measure <kubeconfig> <namespace> <count|runs>") }
let client: KubeClient
do { client = try KubeClient(kubeconfig: arguments[2]) } catch { fail("\(error)") }
let namespace = arguments[3]
let number = Int(arguments[4]) ?? 0
let clock = ContinuousClock()

switch arguments[1] {
case "seed":
    _ = try? await client.create(Namespace(name: namespace))
    let payload = String(repeating: "x", count: 200)
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<16 {
            group.addTask {
                var index = worker
                while index < number {
                    let map = ConfigMap(
                        metadata: ObjectMeta(name: "bench-\(index)", namespace: namespace, labels: ["bench": "kube"]),
                        data: ["index": "\(index)", "payload": payload])
                    do {
                        _ = try await client.create(map)
                    } catch {
                        guard let kubeError = error as? KubeError, kubeError.isAlreadyExists else { throw error }
                    }
                    index += 16
                }
            }
        }
        try await group.waitForAll()
    }
    print("{\"seeded\": \(number), \"seconds\": \(seconds(clock.now - start))}")

case "measure":
    let runs = max(1, number)
    // 1. Watch cache: list+watch into a Store, memory before/after.
    let rssBefore = residentBytes()
    let store = Store<ConfigMap>()
    let watcher = Watcher<ConfigMap>(client: client, configuration: .init(namespace: namespace))
    let cacheStart = clock.now
    let cacheTask = Task { await watcher.run(into: store) }
    for _ in 0..<6000 where !store.isSynced { try await Task.sleep(for: .milliseconds(10)) }
    let syncSeconds = seconds(clock.now - cacheStart)
    let objects = store.count
    let rssAfter = residentBytes()

    // 2. List latency (paged by 500 like kubectl).
    var listTimes: [Double] = []
    for _ in 0..<runs {
        let start = clock.now
        let list = try await client.listAll(
            ConfigMap.self, resource: ConfigMap.resource, namespace: namespace, pageSize: 500)
        listTimes.append(seconds(clock.now - start))
        precondition(list.items.count == objects)
    }

    // 3. Watch throughput: initial events of a watch from "0" (every object as ADDED).
    var initialRates: [Double] = []
    for _ in 0..<runs {
        let stream = try await client.watch(
            ConfigMap.self, namespace: namespace,
            options: WatchOptions(resourceVersion: "0", allowWatchBookmarks: false, timeoutSeconds: 120))
        let start = clock.now
        var count = 0
        for try await event in stream {
            if case .added = event { count += 1 }
            if count == objects { break }
        }
        stream.cancel()
        initialRates.append(Double(count) / seconds(clock.now - start))
    }

    // 4. Live watch throughput: 2,000 updates from 16 writers, counted at a watch.
    let updates = min(2000, objects)
    let version = try await client.list(ConfigMap.self, namespace: namespace, options: ListOptions(limit: 1)).metadata
        .resourceVersion
    let live = try await client.watch(
        ConfigMap.self, namespace: namespace,
        options: WatchOptions(resourceVersion: version, allowWatchBookmarks: false, timeoutSeconds: 300))
    let liveStart = clock.now
    async let received: Int = {
        var count = 0
        for try await event in live {
            if case .modified = event { count += 1 }
            if count == updates { break }
        }
        live.cancel()
        return count
    }()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<16 {
            group.addTask {
                var index = worker
                while index < updates {
                    _ = try await client.patch(
                        ConfigMap.self, name: "bench-\(index)", namespace: namespace,
                        patch: .merge(["data": ["touched": .string("\(index)")]]))
                    index += 16
                }
            }
        }
        try await group.waitForAll()
    }
    let liveCount = try await received
    let liveSeconds = seconds(clock.now - liveStart)
    cacheTask.cancel()

    let result: JSONValue = [
        "objects": .int(objects),
        "cacheSyncSeconds": .double(syncSeconds),
        "cacheRSSDeltaBytes": .int(rssAfter - rssBefore),
        "cacheBytesPerObject": .double(Double(rssAfter - rssBefore) / Double(max(1, objects))),
        "rssAfterBytes": .int(rssAfter),
        "listSecondsMedian": .double(median(listTimes)),
        "listObjectsPerSecond": .double(Double(objects) / median(listTimes)),
        "initialWatchEventsPerSecondMedian": .double(median(initialRates)),
        "liveUpdates": .int(liveCount),
        "liveWatchEventsPerSecond": .double(Double(liveCount) / liveSeconds),
    ]
    print(result.jsonString())

default:
    fail("unknown command \(arguments[1])")
}
