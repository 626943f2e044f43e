import Synchronization

/// Server-side applies objects as one field manager, and skips the request when the same bytes were
/// applied before and the object has not changed since (its resourceVersion is still the one that apply
/// returned). Bodies are encoded by ``KubeClient/encodeBody(_:what:)``, whose sorted keys make equal
/// intents equal bytes.
public final class Applier: Sendable {
    /// The client every apply goes through.
    public let client: KubeClient
    /// The field manager owning the applied fields.
    public let fieldManager: String
    /// Whether applies take over fields other managers own.
    public let force: Bool
    private let applied = Mutex<[String: (body: [UInt8], resourceVersion: String)]>([:])

    /// Applies through `client` as `fieldManager`; `force` takes over conflicting fields.
    public init(client: KubeClient, fieldManager: String, force: Bool = true) {
        self.client = client
        self.fieldManager = fieldManager
        self.force = force
    }

    /// Applies `object` (its set fields are the intent) unless it is unchanged since the last apply and
    /// the cluster still shows `observedVersion`; returns the apiserver's answer, or nil when skipped.
    public func apply<T: KubeObject>(_ object: T, observedVersion: String?) async throws(KubeError) -> T? {
        var object = object
        object.fillTypeMeta()
        return try await apply(
            T.self, name: object.name, namespace: object.metadata.namespace, intent: object,
            observedVersion: observedVersion)
    }

    /// Applies a partial object `intent` of kind `T` called `name`, like ``apply(_:observedVersion:)``.
    public func apply<T: KubeObject>(
        _ type: T.Type, name: String, namespace: String?, intent: some Encodable, observedVersion: String?
    ) async throws(KubeError) -> T? {
        let key = Self.key(T.self, name: name, namespace: namespace)
        let body = try client.encodeBody(intent, what: "\(T.resource) \(name)")
        let unchanged = applied.withLock { state in
            guard let last = state[key], let observedVersion else { return false }
            return last.body == body && last.resourceVersion == observedVersion
        }
        if unchanged { return nil }
        let result = try await client.apply(
            T.self, resource: T.resource, namespace: namespace, name: name, body: body, fieldManager: fieldManager,
            force: force)
        if let version = result.metadata.resourceVersion {
            applied.withLock { $0[key] = (body, version) }
        }
        return result
    }

    /// Applies `object` only while the cluster still holds the `resourceVersion` the caller read: the intent
    /// carries it, and kube-apiserver answers 409 Conflict (``KubeError/conflict(_:)``) when the object changed
    /// since, as for an update. It does not make the apply create-only: an absent object is created regardless.
    /// Remembered without the resourceVersion, so the same intent applied later by
    /// ``apply(_:observedVersion:)`` is skipped while the object stays at the version this returns.
    public func apply<T: KubeObject>(_ object: T, ifStillAt resourceVersion: String) async throws(KubeError) -> T {
        var object = object
        object.fillTypeMeta()
        object.metadata.resourceVersion = nil
        let key = Self.key(T.self, name: object.name, namespace: object.metadata.namespace)
        let remembered = try client.encodeBody(object, what: "\(T.resource) \(object.name)")
        object.metadata.resourceVersion = resourceVersion
        let body = try client.encodeBody(object, what: "\(T.resource) \(object.name)")
        let result = try await client.apply(
            T.self, resource: T.resource, namespace: object.metadata.namespace, name: object.name, body: body,
            fieldManager: fieldManager, force: force)
        if let version = result.metadata.resourceVersion {
            applied.withLock { $0[key] = (remembered, version) }
        }
        return result
    }

    /// Forgets what was applied to an object that was deleted.
    public func forget<T: KubeObject>(_ type: T.Type, name: String, namespace: String?) {
        _ = applied.withLock { $0.removeValue(forKey: Self.key(T.self, name: name, namespace: namespace)) }
    }

    private static func key<T: KubeObject>(_ type: T.Type, name: String, namespace: String?) -> String {
        "\(T.resource.plural)/\(namespace ?? "")/\(name)"
    }
}
