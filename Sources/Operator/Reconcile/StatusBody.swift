import Interchange

/// The server-side apply body of a PeerRelay's status subresource.
public enum StatusBody {
    public static func make(names: RelayNames, status: PeerRelayStatus) throws -> JSONValue {
        [
            "apiVersion": .string(PeerRelay.apiVersion), "kind": .string(PeerRelay.kind),
            "metadata": ["name": .string(names.name), "namespace": .string(names.namespace)],
            "status": try JSONValue(encoding: status),
        ]
    }
}
