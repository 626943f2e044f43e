import Kube
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Server-side applies children, skipping the request when the same body was applied before and the
/// object has not changed since (its resourceVersion is the one the last apply returned).
final class ChildWriter: Sendable {
    let client: KubeClient
    private let applied = Mutex<[String: (body: [UInt8], resourceVersion: String)]>([:])

    init(client: KubeClient) {
        self.client = client
    }

    /// Applies `body` unless unchanged; returns the object the apiserver answered with (nil when skipped).
    func apply<T: KubeObject>(
        _ type: T.Type, name: String, namespace: String, body: JSONTree, observedVersion: String?
    ) async throws(KubeError) -> T? {
        let key = "\(T.resource.plural)/\(namespace)/\(name)"
        let bytes = body.jsonBytes()
        let unchanged = applied.withLock { state in
            guard let last = state[key], let observedVersion else { return false }
            return last.body == bytes && last.resourceVersion == observedVersion
        }
        if unchanged { return nil }
        let result = try await Self.apply(
            T.self, client: client, resource: T.resource, namespace: namespace, name: name, body: bytes)
        if let version = result.metadata.resourceVersion {
            applied.withLock { $0[key] = (bytes, version) }
        }
        return result
    }

    /// Server-side apply with the operator's field manager and `force`, sending `body` as it is.
    ///
    /// The body goes out as our own sorted-key JSON without escaped slashes: the apiserver parses apply bodies
    /// as YAML, where JSONEncoder's `\/` escape is invalid (and label keys are full of slashes).
    static func apply<T: Decodable & Sendable>(
        _ type: T.Type, client: KubeClient, resource: KubeResource, namespace: String, name: String, body: [UInt8],
        subresource: String? = nil
    ) async throws(KubeError) -> T {
        let request = KubeRequest.apply(
            resource, namespace: namespace, name: name, body: body, fieldManager: RelayNames.fieldManager, force: true,
            subresource: subresource)
        let response = try await client.execute(request)
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw KubeError.decoding(what: "\(resource) \(name)", detail: "\(error)")
        }
    }

    /// Forgets what was applied under `namespace/name…` prefixes of a deleted object.
    func forget<T: KubeObject>(_ type: T.Type, name: String, namespace: String) {
        _ = applied.withLock { $0.removeValue(forKey: "\(T.resource.plural)/\(namespace)/\(name)") }
    }
}
