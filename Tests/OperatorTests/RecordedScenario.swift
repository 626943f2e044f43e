import CurlHTTP
import Kube
import Logging
import RelayCore
import Synchronization
import Testing

@testable import Operator

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One scenario: a reconciler and the caches it reads, on a client that either records a real apiserver
/// (`PEERRELAY_RECORD=1`) or replays the recording. Keys and clocks are fixed, so both runs send the same
/// bytes.
final class Scenario: Sendable {
    static let namespace = "recorded"
    static var recording: Bool { ProcessInfo.processInfo.environment["PEERRELAY_RECORD"] == "1" }

    let client: KubeClient
    let view: ClusterView
    let reconciler: RelayReconciler
    /// The relay keys the reconciler generated (0x01…01, 0x02…02, … in order).
    let keys = FixedKeys()
    private let interference: Interference
    private let log: @Sendable () -> [RecordedExchange]
    private let clock = ManualClock()

    static func run(_ name: String, _ body: (Scenario) async throws -> Void) async throws {
        if recording {
            try await record(name, body)
        } else {
            let server = RecordedAPIServer(try Recording.load(name))
            do {
                let configuration = KubeClientConfiguration(server: "https://kube-apiserver.recorded", maxRetries: 0)
                try await body(Scenario(configuration: configuration, transport: server, log: { server.sent }))
            } catch {
                Issue.record("the pass differs from the recording \(name): \(server.mismatches)")
                throw error
            }
            #expect(server.mismatches == [], "re-record: see RecordedReconcileTests")
            #expect(server.unplayed == [])
        }
    }

    private static func record(_ name: String, _ body: (Scenario) async throws -> Void) async throws {
        guard let path = ProcessInfo.processInfo.environment["PEERRELAY_KUBECONFIG"], !path.isEmpty else {
            Issue.record("PEERRELAY_RECORD=1 needs PEERRELAY_KUBECONFIG (hack/cluster env)")
            return
        }
        let configuration = try KubeConfigLoader.load(path: path)
        let direct = KubeClient(configuration: configuration)
        try await removeNamespace(direct)
        let recorder = RecordingTransport(
            client: HTTPClient(configuration: HTTPClientConfiguration(tls: configuration.tls)))
        _ = try await direct.create(Namespace(name: namespace))
        do {
            try await body(Scenario(configuration: configuration, transport: recorder, log: { recorder.recorded }))
        } catch {
            try? await removeNamespace(direct)
            throw error
        }
        // A Service given a load balancer address while recording makes the next recording differ (the address
        // comes at the allocator's pace, between passes or not), so such a recording is not kept.
        let services = try await direct.list(Service.self, namespace: namespace).items
        if let assigned = services.first(where: { !($0.status?.loadBalancer?.ingress ?? []).isEmpty }) {
            let problem =
                "Service \(assigned.name) got a load balancer address while recording \(name): stop the cluster's "
                + "lb-controller first (see RecordedReconcileTests); the recording was not saved"
            Issue.record(Comment(rawValue: problem))
        } else {
            try Recording(recordedFrom: "kube-apiserver v1.20.2 (hack/cluster)", exchanges: recorder.recorded).save(
                name)
        }
        try await removeNamespace(direct)
    }

    /// Deletes the scenario's namespace, first lifting the finalizers no operator will remove here.
    private static func removeNamespace(_ client: KubeClient) async throws {
        for relay in (try? await client.list(PeerRelay.self, namespace: namespace).items) ?? [] {
            _ = try? await client.patch(
                PeerRelay.self, name: relay.name, namespace: namespace,
                patch: .merge(["metadata": ["finalizers": .null]]))
        }
        _ = try? await client.delete(Namespace.self, name: namespace)
        for _ in 0..<300 {
            if try await client.getIfExists(Namespace.self, name: namespace) == nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("namespace \(namespace) was not deleted within 60 s")
    }

    /// A scenario whose reconciler talks through `transport` (the recorder or the replay), with
    /// ``interfere(after:_:)`` acting in between.
    private init(
        configuration: KubeClientConfiguration, transport: any KubeTransport,
        log: @escaping @Sendable () -> [RecordedExchange]
    ) {
        interference = Interference(
            transport: transport, other: KubeClient(configuration: configuration, transport: transport))
        client = KubeClient(configuration: configuration, transport: interference)
        self.log = log
        view = ClusterView(
            relays: Store(), statefulSets: Store(), services: Store(), pods: Store(), secrets: Store(),
            configMaps: Store(), nodes: Store())
        let clock = self.clock
        let keys = self.keys
        reconciler = RelayReconciler(
            client: client, view: view, settings: RelayReconciler.Settings(relayImage: Fixtures.image),
            events: nil, resolver: TableResolver(table: [:]),
            clock: ReconcileClock(now: { clock.now() }, wallTime: { RFC3339Time(rfc3339: "2026-11-29T12:00:00Z")! }),
            newKey: { keys.next() },
            logger: Logger(label: "recorded-reconcile"))
    }

    /// Once the next request `line` ("METHOD path") has been answered, `action` runs with another writer's
    /// client (its requests are recorded and replayed too) before the reconciler sees the answer: a competing
    /// writer acting between two of the reconciler's requests.
    func interfere(after line: String, _ action: @escaping @Sendable (KubeClient) async throws -> Void) {
        interference.arm(after: line, action)
    }

    /// Fills the caches from the apiserver, as the controller's watches would.
    func sync() async throws {
        let namespace = Self.namespace
        func fill<T: KubeObject>(_ store: Store<T>, namespace: String?) async throws {
            let list = try await client.list(T.self, namespace: namespace)
            store.replace(list.items, resourceVersion: list.metadata.resourceVersion)
        }
        try await fill(view.services, namespace: namespace)
        try await fill(view.secrets, namespace: namespace)
        try await fill(view.configMaps, namespace: namespace)
        try await fill(view.statefulSets, namespace: namespace)
        try await fill(view.pods, namespace: namespace)
        try await fill(view.nodes, namespace: nil)
    }

    func reconcile() async throws -> ReconcileAction {
        try await reconciler.reconcile(ObjectKey(namespace: Self.namespace, name: "edge"))
    }

    /// Moves the monotonic clock forward.
    func advance(by duration: Duration) { clock.advance(by: duration) }

    /// A position in the exchange log.
    var mark: Int { log().count }

    /// The exchanges since `mark`, as sent and answered.
    func exchanges(since mark: Int) -> [RecordedExchange] { Array(log().dropFirst(mark)) }

    /// The requests since `mark`, as "METHOD [apply|merge ]path".
    func requests(since mark: Int) -> [String] {
        log().dropFirst(mark).map { exchange in
            let flavour: String
            switch exchange.contentType {
            case "application/apply-patch+yaml": flavour = "apply "
            case "application/merge-patch+json": flavour = "merge "
            default: flavour = ""
            }
            return "\(exchange.method) \(flavour)\(exchange.path)"
        }
    }
}

/// A monotonic clock that moves only when told.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    func now() -> ContinuousClock.Instant { start + offset.withLock { $0 } }
    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// Relay keys 0x01…01, 0x02…02, …: the same in every run.
final class FixedKeys: Sendable {
    private let seed = Mutex<UInt8>(0)

    /// How many keys were made.
    var count: Int { Int(seed.withLock { $0 }) }

    /// The key made `number`th (1-based), base64.
    static func base64(_ number: UInt8) -> String? {
        (try? PrivateKey(bytes: [UInt8](repeating: number, count: 32)))?.base64
    }

    func next() -> PrivateKey {
        let byte = seed.withLock { value in
            value &+= 1
            return value
        }
        guard let key = try? PrivateKey(bytes: [UInt8](repeating: byte, count: 32)) else {
            Issue.record("a key of 32 bytes \(byte) does not load")
            return PrivateKey.generate()
        }
        return key
    }
}

/// Passes requests through and, once armed, lets another writer act right after a given request was
/// answered (see ``Scenario/interfere(after:_:)``).
final class Interference: KubeTransport {
    private let transport: any KubeTransport
    private let other: KubeClient
    private let armed = Mutex<[(line: String, action: @Sendable (KubeClient) async throws -> Void)]>([])

    init(transport: any KubeTransport, other: KubeClient) {
        self.transport = transport
        self.other = other
    }

    func arm(after line: String, _ action: @escaping @Sendable (KubeClient) async throws -> Void) {
        armed.withLock { $0.append((line, action)) }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await transport.send(request)
        let line = Recording.exchange(request, status: response.status, response: []).line
        let action = armed.withLock { armed -> (@Sendable (KubeClient) async throws -> Void)? in
            guard let index = armed.firstIndex(where: { $0.line == line }) else { return nil }
            return armed.remove(at: index).action
        }
        if let action { try await action(other) }
        return response
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        try await transport.stream(request)
    }
}
