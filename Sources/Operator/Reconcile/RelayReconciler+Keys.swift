import Kube
import Logging

extension RelayReconciler {
    /// How often a pass re-reads the relay key Secret after another writer changed it under a write.
    static let keyWriteAttempts = 3

    /// The replicas' keys (indexed by replica) and the key Secret's resourceVersion as last seen: from the
    /// cache when it has them all, else from the API server, generating only what the server lacks
    /// (``RelayKeyDecision``). Throws when the server cannot be read or the Secret kept changing.
    func relayKeys(_ owner: OwnerInfo, replicas: Int) async throws -> (
        credentials: [Int: RelayFiles.Credentials], secretVersion: String?
    ) {
        let names = owner.names
        let cached = view.secrets.get(name: names.secret, namespace: names.namespace)
        if case .use(let credentials, let version) = RelayKeyDecision.fromCache(
            cached, names: names, replicas: replicas)
        {
            return (credentials, version)
        }
        for _ in 0..<Self.keyWriteAttempts {
            let current = try await client.getIfExists(Secret.self, name: names.secret, namespace: names.namespace)
            var decision = RelayKeyDecision.fromServer(current, names: names, replicas: replicas, newKey: newKey)
            if decision == .createSecret {
                // Without the ownerReference: what a create sets stays co-owned by it under server-side apply, and
                // a co-owned reference to a PeerRelay's earlier incarnation (same name, other uid) would make the
                // applies below carry two controllers (422). The keys apply adds the reference.
                var empty = RelayFiles.secret(owner, credentials: [:])
                empty.metadata.ownerReferences = nil
                do {
                    let created = try await client.create(empty, fieldManager: RelayNames.fieldManager)
                    decision = RelayKeyDecision.fromServer(created, names: names, replicas: replicas, newKey: newKey)
                } catch .alreadyExists {
                    continue
                }
            }
            switch decision {
            case .use(let credentials, let version):
                return (credentials, version)
            case .addKeys(let credentials, let generated, let version):
                guard !version.isEmpty else { throw RelayKeyError.noResourceVersion(names.namespace, names.secret) }
                do {
                    let written = try await applier.apply(
                        RelayFiles.secret(owner, credentials: credentials), ifStillAt: version)
                    logger.info(
                        "PeerRelay \(names.namespace)/\(names.name): new relay keys for replicas \(generated)")
                    return (credentials, written.metadata.resourceVersion)
                } catch .conflict {
                    continue
                }
            case .readServer, .createSecret:
                continue
            }
        }
        throw RelayKeyError.secretKeepsChanging(names.namespace, names.secret, attempts: Self.keyWriteAttempts)
    }
}

/// Why a pass could not settle its relays' keys; the pass is retried with backoff.
enum RelayKeyError: Error, CustomStringConvertible {
    /// Another writer changed the key Secret under every attempt to add keys.
    case secretKeepsChanging(String, String, attempts: Int)
    /// The API server answered the key Secret without a resourceVersion, so keys cannot be added conditionally.
    case noResourceVersion(String, String)

    var description: String {
        switch self {
        case .secretKeepsChanging(let namespace, let name, let attempts):
            return "Secret \(namespace)/\(name) changed under each of \(attempts) attempts to add relay keys; "
                + "retrying with backoff. If this persists, find what else writes that Secret and stop it "
                + "(another relay-operator outside this one's leader election?)"
        case .noResourceVersion(let namespace, let name):
            return "the API server answered Secret \(namespace)/\(name) without metadata.resourceVersion, so relay "
                + "keys cannot be added without risking another writer's; retrying with backoff. Check the "
                + "API server (or proxy) in front of the operator"
        }
    }
}
