import Kube
import RelayCore

/// Where a pass gets its relays' keys, apart from the I/O (``RelayReconciler/relayKeys(_:replicas:)``).
/// A key is a relay's identity: a new one makes relay-server exit (78) and restart, and clients must
/// re-learn the relay. The cache may lag behind this operator's own Secret write of the previous pass, so a
/// replica the cache shows without a key is looked up on the API server, and a key is generated only for a
/// replica the API server itself shows without one. New keys are written only where the Secret is still as
/// read (created with create semantics, added conditionally), so a concurrent writer's key is re-read and
/// used, never overwritten.
enum RelayKeyDecision: Equatable {
    /// Every replica has its key: use these (indexed by replica) and the Secret's resourceVersion.
    case use([Int: RelayFiles.Credentials], secretVersion: String?)
    /// The cache shows some replica without a key: read the Secret from the API server.
    case readServer
    /// The API server has no Secret (404): create it empty (POST; 409 AlreadyExists means another writer
    /// created it, so read it again), then decide again on the answer.
    case createSecret
    /// The Secret at `secretVersion` lacks the keys of `generated` replicas: write `credentials` (the kept
    /// ones and the new ones) only while the Secret is still at that version (409 Conflict: read again).
    case addKeys([Int: RelayFiles.Credentials], generated: [Int], secretVersion: String)

    /// The decision on the cached Secret: use it when it holds a key for each of the `replicas`.
    static func fromCache(_ secret: Secret?, names: RelayNames, replicas: Int) -> RelayKeyDecision {
        let found = keys(in: secret, names: names, replicas: replicas)
        guard found.count == replicas else { return .readServer }
        return .use(found, secretVersion: secret?.metadata.resourceVersion)
    }

    /// The decision on the Secret as the API server has it (nil: 404); `newKey` makes the missing keys.
    static func fromServer(
        _ secret: Secret?, names: RelayNames, replicas: Int, newKey: () -> PrivateKey
    ) -> RelayKeyDecision {
        guard let secret else { return .createSecret }
        var credentials = keys(in: secret, names: names, replicas: replicas)
        let missing = (0..<replicas).filter { credentials[$0] == nil }
        guard !missing.isEmpty else { return .use(credentials, secretVersion: secret.metadata.resourceVersion) }
        for index in missing {
            credentials[index] = RelayFiles.Credentials(privateKey: newKey().base64, certificatePEM: nil)
        }
        return .addKeys(credentials, generated: missing, secretVersion: secret.metadata.resourceVersion ?? "")
    }

    /// The credentials in `secret` of replicas below `replicas` (those of replicas scaled away are dropped).
    private static func keys(in secret: Secret?, names: RelayNames, replicas: Int) -> [Int: RelayFiles.Credentials] {
        RelayFiles.credentials(fromSecretData: secret?.data ?? [:], names: names).filter { $0.key < replicas }
    }
}
