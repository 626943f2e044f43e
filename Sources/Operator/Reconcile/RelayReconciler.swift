import CoreMetrics
public import CurlHTTP
public import Kube
public import Logging
public import RelayCore
import Synchronization
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One reconcile pass of a PeerRelay: children, endpoints, coordinator registrations, status
/// (docs/peerrelay-api.md). Level-triggered and idempotent; every write is skipped when nothing changed.
public final class RelayReconciler: Sendable {
    /// Settings of the reconciler.
    public struct Settings: Sendable {
        /// Relay image when `spec.pod.image` is unset (`--relay-image`).
        public var relayImage: String
        /// Delay before looking again while something is pending.
        public var pendingRequeue: Duration
        /// Periodic resync of Ready relays (re-publishes, renewing certificates).
        public var resync: Duration

        /// Settings with the default relay image `relayImage`.
        public init(relayImage: String, pendingRequeue: Duration = .seconds(3), resync: Duration = .seconds(600)) {
            self.relayImage = relayImage
            self.pendingRequeue = pendingRequeue
            self.resync = resync
        }
    }

    struct Registration: Sendable, Equatable {
        var addresses: [String]
        var publicKey: String
        var at: ContinuousClock.Instant
    }

    /// The client of every reconcile request (count them with ``KubeClient/countingRequests(as:)``).
    let client: KubeClient
    let view: ClusterView
    let settings: Settings
    let events: EventRecorder?
    let resolver: any HostResolver
    let http: HTTPClient
    let applier: Applier
    let clock: ReconcileClock
    let newKey: @Sendable () -> PrivateKey
    let logger: Logger
    let metrics = OperatorMetrics()
    /// When this process first saw each PeerRelay (by uid) without a StatefulSet.
    private let firstSeen = Mutex<[String: ContinuousClock.Instant]>([:])
    /// Registrations made by this process, by PeerRelay uid and replica index.
    let registrations = Mutex<[String: [Int: Registration]]>([:])

    /// A reconciler writing through `client` and reading `view`; `clock` and `newKey` are injected for tests.
    public init(
        client: KubeClient, view: ClusterView, settings: Settings, events: EventRecorder?,
        resolver: any HostResolver = SystemResolver(), http: HTTPClient = HTTPClient(),
        clock: ReconcileClock = .system, newKey: @escaping @Sendable () -> PrivateKey = { PrivateKey.generate() },
        logger: Logger
    ) {
        self.client = client
        self.view = view
        self.settings = settings
        self.events = events
        self.resolver = resolver
        self.http = http
        self.applier = Applier(client: client, fieldManager: RelayNames.fieldManager, force: true)
        self.clock = clock
        self.newKey = newKey
        self.logger = logger
    }

    /// Reconciles the PeerRelay `key`.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        metrics.reconciles.increment()
        let start = ContinuousClock.now
        defer {
            let elapsed = (ContinuousClock.now - start).components
            metrics.duration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        }
        do {
            // Read fresh: the cache may lag behind our own finalizer and status writes.
            guard
                let relay = try await client.getIfExists(
                    PeerRelay.self, name: key.name, namespace: key.namespace ?? client.defaultNamespace)
            else { return .done }
            return try await Finalizers.reconcile(
                relay, finalizer: PeerRelay.finalizer, client: client,
                apply: { try await self.converge($0) }, cleanup: { try await self.cleanUp($0) })
        } catch {
            metrics.errors.increment()
            throw error
        }
    }

    // MARK: Converge

    /// Brings the children, the coordinator and the status in line with `relay`'s spec, in an order that
    /// lets load balancers provision early and starts pods once their files exist.
    func converge(_ relay: PeerRelay) async throws -> ReconcileAction {
        let names = RelayNames(name: relay.name, namespace: relay.metadata.namespace ?? "default")
        let owner = OwnerInfo(names: names, uid: relay.metadata.uid ?? "")
        let spec = relay.spec
        var input = StatusInput(
            spec: spec, names: names, generation: relay.metadata.generation ?? 0, previous: relay.status,
            now: clock.wallTime())
        if let invalid = SpecValidation.validate(spec) {
            input.invalidSpec = invalid
            try await writeStatus(relay, names: names, status: StatusComputation.compute(input))
            return .done
        }
        var writes = ChildWrites(applier: applier, namespace: names.namespace, applies: metrics.applies)
        let freshServices = await applyServices(owner, spec: spec, writes: &writes)
        input.discovery = discoverEndpoints(names: names, spec: spec, previous: relay.status, fresh: freshServices)
        let keys = try await relayKeys(owner, replicas: spec.effectiveReplicas)
        var credentials = keys.credentials
        let (outcome, caKeys) = await publish(
            names: names, spec: spec, uid: owner.uid, discovery: input.discovery, credentials: &credentials,
            previous: relay.status)
        input.publish = outcome
        let files = Self.configFiles(spec: spec, caKeys: caKeys, discovery: input.discovery)
        let setStatus = await applyFilesAndPods(
            owner, spec: spec, credentials: credentials, secretVersion: keys.secretVersion, files: files,
            writes: &writes)
        await deleteScaledAwayServices(names: names, uid: owner.uid, spec: spec, writes: &writes)
        input.applyFailure = writes.failure
        input.podReplicas = setStatus?.replicas ?? 0
        input.readyReplicas = setStatus?.readyReplicas ?? 0
        let status = StatusComputation.compute(input)
        try await writeStatus(relay, names: names, status: status)
        return ReconcileDecision.next(status: status, publishFailure: outcome.failure?.reason, settings: settings)
    }

    /// Services first, so load balancers start provisioning early; returns the applied ones by replica.
    func applyServices(_ owner: OwnerInfo, spec: PeerRelaySpec, writes: inout ChildWrites) async -> [Int: Service] {
        let names = owner.names
        var fresh: [Int: Service] = [:]
        for index in 0..<spec.effectiveReplicas {
            guard let body = RelayService.build(owner, spec: spec, index: index) else { continue }
            let current = view.services.get(name: names.service(index), namespace: names.namespace)
            fresh[index] = await writes.apply(
                Service.self, names.service(index), body, observed: current?.metadata.resourceVersion)
        }
        return fresh
    }

    /// The endpoints of every replica, from what the cluster shows (fresh Services win over the cache).
    func discoverEndpoints(
        names: RelayNames, spec: PeerRelaySpec, previous: PeerRelayStatus?, fresh: [Int: Service]
    ) -> [EndpointDiscovery.Replica] {
        var previousAddresses: [Int: [String]] = [:]
        for entry in previous?.endpoints ?? [] { previousAddresses[entry.index] = entry.addresses ?? [] }
        return EndpointDiscovery.discover(
            spec: spec, names: names, observed: view.observe(names: names, freshServices: fresh),
            previous: previousAddresses, resolver: resolver)
    }

    /// Publishes the replicas with endpoints and unpublishes the ones scaled away; returns what that achieved
    /// and the tailnet's CA keys (those already in the config while the coordinator cannot be used).
    func publish(
        names: RelayNames, spec: PeerRelaySpec, uid: String, discovery: [EndpointDiscovery.Replica],
        credentials: inout [Int: RelayFiles.Credentials], previous: PeerRelayStatus?
    ) async -> (PublishOutcome, caKeys: [String]) {
        var outcome = PublishOutcome(published: [])
        var caKeys: [String] = []
        switch await CoordinatorAccess.open(spec: spec, namespace: names.namespace, secrets: view.secrets, http: http) {
        case .failure(let failure):
            outcome.failure = (failure.reason, failure.message)
            outcome.leftoversRemoved = false
        case .success(let access):
            caKeys = access.caKeys
            outcome = await publish(
                access: access, names: names, uid: uid, discovery: discovery, credentials: &credentials,
                previous: previous)
        }
        if caKeys.isEmpty {
            caKeys = Self.caKeys(in: view.configMaps.get(name: names.configMap, namespace: names.namespace))
        }
        return (outcome, caKeys)
    }

    /// The Secret (last seen at `secretVersion`) and ConfigMap, then the StatefulSet that mounts them (unless
    /// its first start is held back); returns the StatefulSet's status as last seen.
    func applyFilesAndPods(
        _ owner: OwnerInfo, spec: PeerRelaySpec, credentials: [Int: RelayFiles.Credentials], secretVersion: String?,
        files: [Int: RelayConfigFile], writes: inout ChildWrites
    ) async -> StatefulSetStatus? {
        let names = owner.names
        _ = await writes.apply(
            Secret.self, names.secret, RelayFiles.secret(owner, credentials: credentials), observed: secretVersion)
        let configMap = view.configMaps.get(name: names.configMap, namespace: names.namespace)
        _ = await writes.apply(
            ConfigMap.self, names.configMap, RelayFiles.configMap(owner, files: files),
            observed: configMap?.metadata.resourceVersion)
        let current = view.statefulSets.get(name: names.statefulSet, namespace: names.namespace)
        let holdBack = ReconcileDecision.holdsBackFirstStart(
            statefulSetExists: current != nil, spec: spec, credentials: credentials, files: files,
            waited: current == nil ? waitedSinceFirstSeen(uid: owner.uid) : .zero)
        if holdBack { return nil }
        let applied = await writes.apply(
            StatefulSet.self, names.statefulSet,
            RelayStatefulSet.build(owner, spec: spec, defaultImage: settings.relayImage),
            observed: current?.metadata.resourceVersion)
        return (applied ?? current)?.status
    }

    /// Deletes the Services of replicas scaled away (all of them with HostPort exposure).
    func deleteScaledAwayServices(names: RelayNames, uid: String, spec: PeerRelaySpec, writes: inout ChildWrites) async
    {
        for service in view.services.list(namespace: names.namespace)
        where service.metadata.labels?["app.kubernetes.io/instance"] == names.name
            && service.metadata.controllerReference?.uid == uid
        {
            guard let index = names.replicaIndex(of: service.name),
                index >= spec.effectiveReplicas || spec.exposureType == .hostPort
            else { continue }
            await writes.delete(Service.self, service.name)
        }
    }

    /// How long ago this process first saw the PeerRelay `uid` without a StatefulSet.
    func waitedSinceFirstSeen(uid: String) -> Duration {
        let now = clock.now()
        let first = firstSeen.withLock { state in
            if let at = state[uid] { return at }
            state[uid] = now
            return now
        }
        return now - first
    }

    /// The relay-server config file of every replica, by index; none until the tailnet's CA keys are known.
    static func configFiles(
        spec: PeerRelaySpec, caKeys: [String], discovery: [EndpointDiscovery.Replica]
    ) -> [Int: RelayConfigFile] {
        guard !caKeys.isEmpty else { return [:] }
        var files: [Int: RelayConfigFile] = [:]
        for replica in discovery {
            files[replica.index] = RelayConfigFile(spec: spec, caKeys: caKeys, endpoints: replica.addresses)
        }
        return files
    }

    /// The CA keys in the relay config files of `configMap` (kept while the coordinator cannot be reached).
    static func caKeys(in configMap: ConfigMap?) -> [String] {
        for text in (configMap?.data ?? [:]).values {
            if let keys = RelayConfigFile(text: text)?.settings.caKeys { return keys }
        }
        return []
    }

    // MARK: Status and events

    func writeStatus(_ relay: PeerRelay, names: RelayNames, status: PeerRelayStatus) async throws {
        guard status != relay.status else { return }
        _ = try await client.apply(
            JSONValue.self, resource: PeerRelay.resource, namespace: names.namespace, name: names.name,
            intent: StatusBody(names: names, status: status), fieldManager: RelayNames.fieldManager,
            force: true, subresource: "status")
        let before = relay.status?.condition(StatusComputation.ready)
        if let ready = status.condition(StatusComputation.ready),
            before?.status != ready.status || before?.reason != ready.reason
        {
            let (reason, message) = (ready.reason ?? "", ready.message ?? "")
            logger.info("PeerRelay \(names.namespace)/\(names.name): Ready=\(ready.status) \(reason): \(message)")
            await events?.record(
                relay, type: ready.status == "True" ? "Normal" : "Warning", reason: reason, action: "Reconcile",
                note: message)
        }
        if relay.spec.exposureType == .hostPort, !(relay.spec.exposure?.annotations ?? [:]).isEmpty,
            relay.status?.observedGeneration != status.observedGeneration
        {
            await events?.record(
                relay, type: "Warning", reason: "IgnoredField", action: "Reconcile",
                note: "spec.exposure.annotations is ignored with exposure type HostPort (no Service is created)")
        }
    }
}
