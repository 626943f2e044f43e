import CurlHTTP
public import Kube
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization
public import Telemetry

/// The PeerRelay controller: watches PeerRelays and what they own (StatefulSets, Services, Secrets,
/// ConfigMaps, relay Pods, Nodes and the publisher-token Secrets they reference) and reconciles them.
/// Runs directly as a `Service`, or through ``lead()`` under leader election.
public final class OperatorRuntime: ServiceLifecycle.Service, Sendable {
    let client: KubeClient
    let settings: RelayReconciler.Settings
    let namespace: String?
    let identity: String
    let logger: Logger
    let http = HTTPClient()
    private let state = Mutex<(leading: Bool, view: ClusterView?, queue: WorkQueue<ObjectKey>?)>((false, nil, nil))
    private let queueGauge = Gauge(label: "relay_operator_queue_depth")
    private let leaderGauge = Gauge(label: "relay_operator_leader")
    private let relaysGauge = Gauge(label: "relay_operator_peerrelays")

    /// A controller through `client`, watching `namespace` (nil: all), as `identity`.
    public init(
        client: KubeClient, settings: RelayReconciler.Settings, namespace: String?, identity: String, logger: Logger
    ) {
        self.client = client
        self.settings = settings
        self.namespace = namespace
        self.identity = identity
        self.logger = logger
    }

    /// `/readyz`: a standby (not leading) is ready; the leader once every cache has synced.
    public var readiness: Readiness {
        state.withLock { state in
            guard state.leading, let view = state.view else { return .ready }
            return view.isSynced ? .ready : .notReady("caches are still syncing")
        }
    }

    /// Refreshes gauges before a scrape.
    public func refreshGauges() {
        let (leading, view, queue) = state.withLock { ($0.leading, $0.view, $0.queue) }
        leaderGauge.record(leading ? 1 : 0)
        queueGauge.record(queue?.count ?? 0)
        relaysGauge.record(view?.relays.count ?? 0)
    }

    /// Leads (runs the controller) until shutdown: the runtime without leader election.
    public func run() async throws {
        await lead()
    }

    /// Runs the controller until cancelled or graceful shutdown.
    public func lead() async {
        logger.info("leading: starting the PeerRelay controller", metadata: ["identity": "\(identity)"])
        let events = EventRecorder(
            client: client, reportingController: "peerrelay.dev/relay-operator", reportingInstance: identity,
            logger: logger)
        let controller = Controller<PeerRelay>(
            client: client, name: "peerrelay", namespace: namespace, workers: 2, logger: logger)
        let relays = controller.store
        let managed = "app.kubernetes.io/managed-by=relay-operator"
        let statefulSets = controller.owns(StatefulSet.self, namespace: namespace, labelSelector: managed)
        let services = controller.owns(Kube.Service.self, namespace: namespace, labelSelector: managed)
        let configMaps = controller.owns(ConfigMap.self, namespace: namespace, labelSelector: managed)
        let pods = controller.watches(Pod.self, namespace: namespace, labelSelector: managed) { pod in
            guard let instance = pod.metadata.labels?["app.kubernetes.io/instance"] else { return [] }
            return [ObjectKey(namespace: pod.metadata.namespace, name: instance)]
        }
        // Every Secret: the relay keys (owned) and the publisher tokens PeerRelays reference.
        let secrets = controller.watches(Secret.self, namespace: namespace) { secret in
            if let owner = secret.metadata.controllerReference, owner.kind == PeerRelay.kind {
                return [ObjectKey(namespace: secret.metadata.namespace, name: owner.name)]
            }
            return relays.list(namespace: secret.metadata.namespace)
                .filter { $0.spec.tailnet.publisherTokenSecretRef.name == secret.name }
                .map { ObjectKey(namespace: $0.metadata.namespace, name: $0.name) }
        }
        // Nodes: their addresses are the endpoints of NodePort and HostPort relays running there.
        // Only address changes matter (the kubelet heartbeat updates every Node every few seconds).
        let nodeAddresses = Mutex<[String: [String]]>([:])
        let nodes = controller.watches(Node.self) { node in
            let addresses = (node.status?.addresses ?? []).map { "\($0.type)=\($0.address)" }.sorted()
            let changed = nodeAddresses.withLock { known in
                defer { known[node.name] = addresses }
                return known[node.name] != addresses
            }
            guard changed else { return [] }
            return relays.list().filter { $0.spec.exposureType != .loadBalancer }
                .map { ObjectKey(namespace: $0.metadata.namespace, name: $0.name) }
        }
        let view = ClusterView(
            relays: relays, statefulSets: statefulSets, services: services, pods: pods, secrets: secrets,
            configMaps: configMaps, nodes: nodes)
        let reconciler = RelayReconciler(
            client: client.countingRequests(as: OperatorMetrics.apiRequestsMetric), view: view, settings: settings,
            events: events, http: http, logger: logger)
        state.withLock { $0 = (true, view, controller.queue) }
        defer { state.withLock { $0 = (false, nil, nil) } }
        do {
            try await controller.run { key, _ in try await reconciler.reconcile(key) }
        } catch {
            logger.error("the PeerRelay controller stopped: \(error)")
        }
        logger.info("stopped leading")
    }
}
