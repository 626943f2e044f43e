import Coordinator
import Foundation
import PeerRelayTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A clock tests move by hand (Unix seconds).
final class ManualClock: Sendable {
    private let value: Mutex<Int64>

    /// Starts at the real current time, so certificates also verify in other processes (relay-server).
    init(_ start: Int64 = CoordinatorStore.systemNow()) {
        value = Mutex(start)
    }

    var now: Int64 { value.withLock { $0 } }

    func advance(_ seconds: Int64) {
        value.withLock { $0 += seconds }
    }

    var function: @Sendable () -> Int64 { { self.now } }
}

/// A store in a temporary data directory, with its tailnet initialized.
struct TestTailnet {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let store: CoordinatorStore
    let adminToken: String

    static let tailnetID = "test.tailnet"

    init(policy: CoordinatorPolicy = CoordinatorPolicy()) async throws {
        directory = try TemporaryDirectory()
        clock = ManualClock()
        store = try CoordinatorDataDirectory(path: directory.path + "/data").openStore(
            policy: policy, now: clock.function)
        adminToken = try await store.initialize(tailnetID: Self.tailnetID, name: "Test tailnet")
    }

    /// Reopens the same data directory (a restart).
    func reopen() throws -> CoordinatorStore {
        try store.close()
        return try CoordinatorDataDirectory(path: directory.path + "/data").openStore(now: clock.function)
    }

    func close() {
        try? store.close()
        directory.remove()
    }
}
