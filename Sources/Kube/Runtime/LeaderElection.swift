public import Logging
public import ServiceLifecycle

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Lease-based leader election (coordination.k8s.io/v1), like client-go's: the holder renews every
/// `retryPeriod`; others take over once they have seen no renewal for `leaseDuration`; a leader that
/// cannot renew within `renewDeadline` stops leading; on graceful shutdown the lease is released.
public final class LeaderElection: ServiceLifecycle.Service, Sendable {
    /// The lease and the timing of one candidate.
    public struct Configuration: Sendable {
        /// The Lease's namespace.
        public var namespace: String
        /// The Lease's name.
        public var name: String
        /// This candidate's holder identity (the pod name).
        public var identity: String
        /// How long a lease holds without renewal.
        public var leaseDuration: Duration
        /// The leader stops leading when it cannot renew within this.
        public var renewDeadline: Duration
        /// Wait between acquire and renew attempts.
        public var retryPeriod: Duration
        /// Clear the holder on graceful shutdown so another candidate takes over at once.
        public var releaseOnShutdown: Bool

        /// Lease `namespace`/`name` for candidate `identity`, with client-go's default timing.
        public init(
            namespace: String, name: String, identity: String, leaseDuration: Duration = .seconds(15),
            renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), releaseOnShutdown: Bool = true
        ) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
            self.releaseOnShutdown = releaseOnShutdown
        }
    }

    /// The client the Lease is read and written with.
    public let client: KubeClient
    /// The Lease and its timing.
    public let configuration: Configuration
    let lead: @Sendable () async -> Void
    let logger: Logger

    /// - Parameter lead: runs while this process leads; it is cancelled when leadership is lost.
    public init(
        client: KubeClient, configuration: Configuration, logger: Logger? = nil,
        lead: @escaping @Sendable () async -> Void
    ) {
        self.client = client
        self.configuration = configuration
        self.lead = lead
        self.logger = logger ?? Logger(label: "kube.leader-election")
    }

    /// Campaigns until leading, leads until the lease is lost or shutdown; returns after releasing.
    public func run() async throws {
        var observer = LeaseObserver()
        let clock = ContinuousClock()
        // Acquire.
        while true {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            if (try? await tryAcquireOrRenew(&observer)) == true { break }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.configuration.retryPeriod) }
            } catch { return }
        }
        logger.info("\(configuration.identity) became leader of lease \(configuration.namespace)/\(configuration.name)")
        // Lead and renew.
        let acquired = observer
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.lead() }
            group.addTask {
                var lastRenew = clock.now
                var observer = acquired
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    do {
                        try await cancelWhenGracefulShutdown {
                            try await Task.sleep(for: self.configuration.retryPeriod)
                        }
                    } catch { return }
                    if (try? await self.tryAcquireOrRenew(&observer)) == true {
                        lastRenew = clock.now
                    } else if clock.now - lastRenew > self.configuration.renewDeadline {
                        let lease = "\(self.configuration.identity) lost lease \(self.configuration.name)"
                        self.logger.warning("\(lease): no renewal within the renew deadline")
                        return
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        if configuration.releaseOnShutdown { await release() }
    }

    /// Gives the lease up so another candidate can take over at once.
    public func release() async {
        guard
            var lease = try? await client.get(Lease.self, name: configuration.name, namespace: configuration.namespace),
            lease.spec?.holderIdentity == configuration.identity
        else { return }
        lease.spec?.holderIdentity = nil
        lease.spec?.leaseDurationSeconds = 1
        lease.spec?.renewTime = .now(.microseconds)
        _ = try? await client.replace(lease)
        logger.info("\(configuration.identity) released lease \(configuration.name)")
    }

    struct LeaseObserver {
        var record: Lease.Spec?
        var observedAt: ContinuousClock.Instant?
    }

    /// One attempt. True when this identity holds the lease afterwards.
    func tryAcquireOrRenew(_ observer: inout LeaseObserver) async throws(KubeError) -> Bool {
        let now = RFC3339Time.now(.microseconds)
        let seconds = Int(configuration.leaseDuration.components.seconds)
        guard
            var lease = try await client.getIfExists(
                Lease.self, name: configuration.name, namespace: configuration.namespace)
        else {
            var spec = Lease.Spec()
            spec.holderIdentity = configuration.identity
            spec.leaseDurationSeconds = seconds
            spec.acquireTime = now
            spec.renewTime = now
            spec.leaseTransitions = 0
            do {
                _ = try await client.create(
                    Lease(
                        metadata: ObjectMeta(name: configuration.name, namespace: configuration.namespace), spec: spec))
                return true
            } catch .alreadyExists {
                return false
            }
        }
        var spec = lease.spec ?? Lease.Spec()
        let clock = ContinuousClock()
        if observer.record != spec {
            observer.record = spec
            observer.observedAt = clock.now
        }
        let holder = spec.holderIdentity ?? ""
        let heldByOther = !holder.isEmpty && holder != configuration.identity
        if heldByOther {
            let duration = Duration.seconds(spec.leaseDurationSeconds ?? seconds)
            if let observedAt = observer.observedAt, clock.now < observedAt + duration { return false }
        }
        if holder != configuration.identity {
            spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
            spec.acquireTime = now
        }
        spec.holderIdentity = configuration.identity
        spec.leaseDurationSeconds = seconds
        spec.renewTime = now
        lease.spec = spec
        do {
            let updated = try await client.replace(lease)
            observer.record = updated.spec
            observer.observedAt = clock.now
            return true
        } catch .conflict {
            return false
        }
    }
}
