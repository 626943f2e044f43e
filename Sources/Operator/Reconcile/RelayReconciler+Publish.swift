import CoreMetrics
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

extension RelayReconciler {
    /// How long a registration is trusted before it is re-published (renews certificates well before the
    /// coordinator's default 30-day validity runs out).
    static let republishAfter: Duration = .seconds(6 * 3600)

    /// Publishes every replica that has endpoints (certificates land in `credentials`) and removes the
    /// registrations of replicas scaled away.
    func publish(
        access: CoordinatorAccess, names: RelayNames, uid: String, discovery: [EndpointDiscovery.Replica],
        credentials: inout [Int: RelayFiles.Credentials], previous: PeerRelayStatus?
    ) async -> PublishOutcome {
        var outcome = PublishOutcome(published: [])
        let known = registrations.withLock { $0[uid] ?? [:] }
        var updated = known.filter { $0.key < discovery.count }
        for replica in discovery where !replica.addresses.isEmpty {
            guard var item = credentials[replica.index], let key = PrivateKey(base64: item.privateKey) else { continue }
            let publicKey = Sodium.base64(key.publicKey.bytes)
            if let last = known[replica.index], last.addresses == replica.addresses, last.publicKey == publicKey,
                item.certificatePEM != nil, clock.now() - last.at < Self.republishAfter
            {
                outcome.published.insert(replica.index)
                continue
            }
            metrics.coordinatorCalls.increment()
            do {
                let answer = try await access.client.publishRelay(
                    RelayPublishRequest(
                        name: names.coordinatorName, replica: replica.index, publicKey: publicKey,
                        endpoints: Array(replica.addresses.prefix(8)),
                        labels: ["namespace": names.namespace, "peerrelay": names.name, "uid": uid]))
                guard let bytes = Data(base64Encoded: answer.relay.certificate),
                    let certificate = try? TailnetCertificate(decoding: Array(bytes))
                else {
                    outcome.failure = (
                        .coordinatorRejected, "the coordinator answered a certificate that does not decode"
                    )
                    break
                }
                item.certificatePEM = certificate.pemEncoded
                credentials[replica.index] = item
                updated[replica.index] = Registration(
                    addresses: replica.addresses, publicKey: publicKey, at: clock.now())
                outcome.published.insert(replica.index)
            } catch {
                metrics.coordinatorErrors.increment()
                let failure = CoordinatorAccess.classify(error)
                outcome.failure = (failure.reason, failure.message)
                break
            }
        }
        // Leftovers: replicas this process or the status knows beyond the current count, or anything on the
        // first pass after start (registrations made by an earlier operator process).
        let statusBeyond = (previous?.endpoints ?? []).contains { $0.index >= discovery.count }
        let knownBeyond = known.keys.contains { $0 >= discovery.count }
        if statusBeyond || knownBeyond || known.isEmpty {
            do {
                try await unpublish(access: access, uid: uid) { $0 >= discovery.count }
            } catch {
                outcome.leftoversRemoved = false
                if outcome.failure == nil {
                    let failure = CoordinatorAccess.classify(error)
                    outcome.failure = (failure.reason, failure.message)
                }
            }
        }
        registrations.withLock { $0[uid] = updated }
        return outcome
    }

    /// Removes this PeerRelay's registrations (matched by the `uid` label) whose replica passes `which`.
    func unpublish(access: CoordinatorAccess, uid: String, which: (Int) -> Bool) async throws {
        metrics.coordinatorCalls.increment()
        let relays = try await access.client.listRelays()
        for relay in relays where relay.labels["uid"] == uid && which(relay.replica) {
            metrics.coordinatorCalls.increment()
            do {
                _ = try await access.client.unpublishRelay(id: relay.id)
                logger.info("unpublished relay \(relay.name) replica \(relay.replica) (\(relay.id))")
            } catch let error as CoordinatorClientError where error.status == 404 {
            }
        }
    }

    /// Before the PeerRelay goes away: unpublish every replica. A missing Secret or a rejected token cannot
    /// get better by waiting, so deletion then proceeds with a Warning Event; an unreachable coordinator is
    /// retried with backoff.
    func cleanUp(_ relay: PeerRelay) async throws {
        let names = RelayNames(name: relay.name, namespace: relay.metadata.namespace ?? "default")
        let uid = relay.metadata.uid ?? ""
        switch await CoordinatorAccess.open(
            spec: relay.spec, namespace: names.namespace, secrets: view.secrets, http: http)
        {
        case .success(let access):
            do {
                try await unpublish(access: access, uid: uid) { _ in true }
            } catch {
                let failure = CoordinatorAccess.classify(error)
                guard failure.reason == .coordinatorRejected else { throw error }
                await events?.record(
                    relay, type: "Warning", reason: "UnpublishFailed", action: "Delete",
                    note: "relays may still be listed by the coordinator: \(failure.message)")
            }
        case .failure(let failure):
            if failure.reason == .coordinatorUnreachable { throw failure }
            await events?.record(
                relay, type: "Warning", reason: "UnpublishFailed", action: "Delete",
                note: "relays may still be listed by the coordinator: \(failure.message)")
        }
        registrations.withLock { _ = $0.removeValue(forKey: uid) }
        logger.info("PeerRelay \(names.namespace)/\(names.name) deleted; relays unpublished")
    }
}
