/// Bodies the operator sends for the PeerRelay itself.
public enum StatusBody {
    /// The server-side apply body of the status subresource.
    public static func make(names: RelayNames, status: PeerRelayStatus) throws -> JSONTree {
        [
            "apiVersion": .string(PeerRelay.apiVersion), "kind": .string(PeerRelay.kind),
            "metadata": ["name": .string(names.name), "namespace": .string(names.namespace)],
            "status": try JSONTree(encoding: status),
        ]
    }
}

/// The merge patch that sets the finalizer list, guarded by `resourceVersion` (a conflict means someone else
/// changed the object: re-read and retry) so another controller's finalizer is never dropped.
public enum FinalizerBody {
    public static func make(names: RelayNames, finalizers: [String], resourceVersion: String? = nil) -> JSONTree {
        var metadata: [String: JSONTree] = [
            "name": .string(names.name), "namespace": .string(names.namespace),
            "finalizers": .array(finalizers.map { .string($0) }),
        ]
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        return ["apiVersion": .string(PeerRelay.apiVersion), "kind": .string(PeerRelay.kind), "metadata": .object(metadata)]
    }
}
