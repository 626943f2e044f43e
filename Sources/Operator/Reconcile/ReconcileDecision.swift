import Kube

/// The decisions of a reconcile pass, apart from its I/O: what the controller does next, and whether the
/// first start of the pods waits.
enum ReconcileDecision {
    /// How long a pass waits for a user's change (a Secret or spec fix; both are watched, so this is a slow
    /// resync only) and how long the first start of the pods is held back at most.
    static let userFixWait: Duration = .seconds(60)
    static let firstStartWait: Duration = .seconds(60)

    /// What to ask the controller for after a pass that wrote `status`, given why publishing failed (if it
    /// did): a Ready relay resyncs slowly; a problem only the user can fix waits for their change; an
    /// unreachable coordinator retries with backoff; anything still pending looks again soon.
    static func next(
        status: PeerRelayStatus, publishFailure: PublishOutcome.Failure?, settings: RelayReconciler.Settings
    ) -> ReconcileAction {
        if status.condition(StatusComputation.ready)?.status == "True" { return .requeueAfter(settings.resync) }
        switch publishFailure {
        case .coordinatorRejected, .secretNotFound, .secretKeyMissing: return .requeueAfter(userFixWait)
        case .coordinatorUnreachable: return .requeue
        case nil: return .requeueAfter(settings.pendingRequeue)
        }
    }

    /// Whether to wait with creating the StatefulSet: where endpoints do not depend on the pods (LoadBalancer
    /// or static endpoints), the first pods start once every replica has its certificate and config, so
    /// relay-server does not crash-loop on missing files. Waits at most ``firstStartWait`` after the
    /// operator first saw the PeerRelay (`waited` ago), then starts the pods anyway (those without files
    /// restart until they appear).
    static func holdsBackFirstStart(
        statefulSetExists: Bool, spec: PeerRelaySpec, credentials: [Int: RelayFiles.Credentials],
        files: [Int: RelayConfigFile], waited: Duration
    ) -> Bool {
        guard !statefulSetExists else { return false }
        let nodeDependent = spec.exposureType != .loadBalancer && spec.staticEndpointList.count < spec.effectiveReplicas
        if nodeDependent { return false }
        let complete = (0..<spec.effectiveReplicas).allSatisfy {
            credentials[$0]?.certificatePEM != nil && files[$0] != nil
        }
        return !complete && waited < firstStartWait
    }
}
