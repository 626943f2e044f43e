import CurlHTTP
import Kube
import Logging
import RelayCore
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

    let client: KubeClient
    let view: ClusterView
    let settings: Settings
    let events: EventRecorder?
    let resolver: any HostResolver
    let http: HTTPClient
    let writer: ChildWriter
    let logger: Logger
    let metrics = OperatorMetrics()
    /// Registrations made by this process, by PeerRelay uid and replica index.
    private let firstSeen = Mutex<[String: ContinuousClock.Instant]>([:])
    let registrations = Mutex<[String: [Int: Registration]]>([:])

    public init(
        client: KubeClient, view: ClusterView, settings: Settings, events: EventRecorder?,
        resolver: any HostResolver = SystemResolver(), http: HTTPClient = HTTPClient(), logger: Logger
    ) {
        self.client = client
        self.view = view
        self.settings = settings
        self.events = events
        self.resolver = resolver
        self.http = http
        self.writer = ChildWriter(client: client)
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
            metrics.apiRequests.increment()
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

    func converge(_ relay: PeerRelay) async throws -> ReconcileAction {
        let names = RelayNames(name: relay.name, namespace: relay.metadata.namespace ?? "default")
        let owner = OwnerInfo(names: names, uid: relay.metadata.uid ?? "")
        let spec = relay.spec
        let generation = relay.metadata.generation ?? 0
        let previous = relay.status
        if let invalid = SpecValidation.validate(spec) {
            let status = StatusComputation.compute(
                StatusInput(
                    spec: spec, names: names, generation: generation, previous: previous, now: .now,
                    invalidSpec: invalid))
            try await writeStatus(relay, names: names, status: status)
            return .done
        }
        let replicas = spec.effectiveReplicas
        var applyFailure: String?
        func applying<T: KubeObject>(_ type: T.Type, _ name: String, _ body: JSONTree, observed: String?) async -> T? {
            do {
                let result = try await writer.apply(
                    T.self, name: name, namespace: names.namespace, body: body, observedVersion: observed)
                if result != nil {
                    metrics.applies.increment()
                    metrics.apiRequests.increment()
                }
                return result
            } catch {
                if applyFailure == nil { applyFailure = "\(T.resource.kind) \(name): \(error)" }
                return nil
            }
        }

        // 1. Services first, so load balancers start provisioning early.
        var freshServices: [Int: Service] = [:]
        for index in 0..<replicas {
            guard let body = RelayService.build(owner, spec: spec, index: index) else { continue }
            let current = view.services.get(name: names.service(index), namespace: names.namespace)
            if let service = await applying(
                Service.self, names.service(index), body, observed: current?.metadata.resourceVersion)
            {
                freshServices[index] = service
            }
        }

        // 2. Endpoints.
        let observed = view.observe(names: names, freshServices: freshServices)
        var previousAddresses: [Int: [String]] = [:]
        for entry in previous?.endpoints ?? [] { previousAddresses[entry.index] = entry.addresses ?? [] }
        let discovery = EndpointDiscovery.discover(
            spec: spec, names: names, observed: observed, previous: previousAddresses, resolver: resolver)

        // 3. Keys: keep the existing ones, generate the missing.
        let secret = view.secrets.get(name: names.secret, namespace: names.namespace)
        var credentials = RelayFiles.credentials(fromSecretData: secret?.data ?? [:], names: names)
            .filter { $0.key < replicas }
        for index in 0..<replicas where credentials[index] == nil {
            credentials[index] = RelayFiles.Credentials(privateKey: PrivateKey.generate().base64, certificatePEM: nil)
        }

        // 4. Coordinator: publish replicas with endpoints, unpublish the ones scaled away.
        let uid = owner.uid
        var outcome = PublishOutcome(published: [])
        var caKeys: [String] = []
        switch await CoordinatorAccess.open(
            spec: spec, namespace: names.namespace, secrets: view.secrets, http: http)
        {
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
            // Keep serving with the CA keys already in the config when the coordinator is unreachable.
            caKeys = Self.caKeys(in: view.configMaps.get(name: names.configMap, namespace: names.namespace))
        }

        // 5. Files, then the StatefulSet that mounts them.
        let secretBody = RelayFiles.secret(owner, credentials: credentials)
        _ = await applying(Secret.self, names.secret, secretBody, observed: secret?.metadata.resourceVersion)
        var files: [Int: RelayConfigFile] = [:]
        if !caKeys.isEmpty {
            for replica in discovery {
                files[replica.index] = RelayConfigFile(spec: spec, caKeys: caKeys, endpoints: replica.addresses)
            }
        }
        let configMap = view.configMaps.get(name: names.configMap, namespace: names.namespace)
        _ = await applying(
            ConfigMap.self, names.configMap, RelayFiles.configMap(owner, files: files),
            observed: configMap?.metadata.resourceVersion)
        let currentSet = view.statefulSets.get(name: names.statefulSet, namespace: names.namespace)
        let appliedSet =
            holdBackFirstStart(currentSet: currentSet, spec: spec, uid: uid, credentials: credentials, files: files)
            ? nil
            : await applying(
                StatefulSet.self, names.statefulSet,
                RelayStatefulSet.build(owner, spec: spec, defaultImage: settings.relayImage),
                observed: currentSet?.metadata.resourceVersion)

        // 6. Services of replicas scaled away.
        for service in view.services.list(namespace: names.namespace)
        where service.metadata.labels?["app.kubernetes.io/instance"] == names.name
            && service.metadata.controllerReference?.uid == uid
        {
            guard let index = names.replicaIndex(of: service.name),
                index >= replicas || spec.exposureType == .hostPort
            else { continue }
            metrics.apiRequests.increment()
            do {
                try await client.delete(resource: Service.resource, namespace: names.namespace, name: service.name)
                writer.forget(Service.self, name: service.name, namespace: names.namespace)
            } catch let error where error.isNotFound {
            } catch {
                if applyFailure == nil { applyFailure = "Service \(service.name): \(error)" }
            }
        }

        // 7. Status.
        let setStatus = (appliedSet ?? currentSet)?.status
        let status = StatusComputation.compute(
            StatusInput(
                spec: spec, names: names, generation: generation, previous: previous, now: .now,
                applyFailure: applyFailure, discovery: discovery, podReplicas: setStatus?.replicas ?? 0,
                readyReplicas: setStatus?.readyReplicas ?? 0, publish: outcome))
        try await writeStatus(relay, names: names, status: status)
        if status.condition(StatusComputation.ready)?.status == "True" { return .requeueAfter(settings.resync) }
        if outcome.failure?.reason == .coordinatorRejected || outcome.failure?.reason == .secretNotFound
            || outcome.failure?.reason == .secretKeyMissing
        {
            // Waits for a spec or Secret change (both are watched); a slow resync covers the rest.
            return .requeueAfter(.seconds(60))
        }
        if outcome.failure?.reason == .coordinatorUnreachable { return .requeue }
        return .requeueAfter(settings.pendingRequeue)
    }

    /// Whether to wait with creating the StatefulSet: where endpoints do not depend on the pods (LoadBalancer
    /// or static endpoints), the first pods start once every replica has its certificate and config, so
    /// relay-server does not crash-loop on missing files. Waits at most 60 s after the operator first saw the
    /// PeerRelay, then starts the pods anyway (those without files restart until they appear).
    func holdBackFirstStart(
        currentSet: StatefulSet?, spec: PeerRelaySpec, uid: String, credentials: [Int: RelayFiles.Credentials],
        files: [Int: RelayConfigFile]
    ) -> Bool {
        guard currentSet == nil else { return false }
        let nodeDependent = spec.exposureType != .loadBalancer && spec.staticEndpointList.count < spec.effectiveReplicas
        if nodeDependent { return false }
        let complete = (0..<spec.effectiveReplicas).allSatisfy {
            credentials[$0]?.certificatePEM != nil && files[$0] != nil
        }
        if complete { return false }
        let firstSeen = firstSeen.withLock { state in
            if let at = state[uid] { return at }
            state[uid] = .now
            return ContinuousClock.now
        }
        return ContinuousClock.now - firstSeen < .seconds(60)
    }

    static func caKeys(in configMap: ConfigMap?) -> [String] {
        for text in (configMap?.data ?? [:]).values {
            if let keys = RelayConfigFile(text: text)?.settings.caKeys { return keys }
        }
        return []
    }

    // MARK: Status and events

    func writeStatus(_ relay: PeerRelay, names: RelayNames, status: PeerRelayStatus) async throws {
        guard status != relay.status else { return }
        metrics.apiRequests.increment()
        _ = try await ChildWriter.apply(
            JSONValue.self, client: client, resource: PeerRelay.resource, namespace: names.namespace, name: names.name,
            body: try StatusBody.make(names: names, status: status).jsonBytes(), subresource: "status")
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
