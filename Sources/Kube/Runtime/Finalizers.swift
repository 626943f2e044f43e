/// Adds and removes a finalizer with optimistic locking, and runs cleanup before deletion completes.
public enum Finalizers {
    /// If the object is being deleted: run `cleanup`, then remove the finalizer (letting deletion finish).
    /// Otherwise: make sure the finalizer is present, then run `apply`.
    public static func reconcile<T: KubeObject>(
        _ object: T, finalizer: String, client: KubeClient, apply: (T) async throws -> ReconcileAction,
        cleanup: (T) async throws -> Void
    ) async throws -> ReconcileAction {
        let present = object.metadata.finalizers?.contains(finalizer) ?? false
        if object.metadata.isBeingDeleted {
            guard present else { return .done }
            try await cleanup(object)
            _ = try await remove(finalizer, from: object, client: client)
            return .done
        }
        let current = present ? object : try await add(finalizer, to: object, client: client)
        return try await apply(current)
    }

    /// Adds the finalizer (409 if the object changed since it was read).
    public static func add<T: KubeObject>(_ finalizer: String, to object: T, client: KubeClient) async throws(KubeError)
        -> T
    {
        var finalizers = object.metadata.finalizers ?? []
        guard !finalizers.contains(finalizer) else { return object }
        finalizers.append(finalizer)
        return try await write(finalizers, object, client)
    }

    /// Removes the finalizer (409 if the object changed since it was read).
    public static func remove<T: KubeObject>(_ finalizer: String, from object: T, client: KubeClient)
        async throws(KubeError) -> T
    {
        let finalizers = (object.metadata.finalizers ?? []).filter { $0 != finalizer }
        guard finalizers.count != object.metadata.finalizers?.count ?? 0 else { return object }
        return try await write(finalizers, object, client)
    }

    private static func write<T: KubeObject>(_ finalizers: [String], _ object: T, _ client: KubeClient)
        async throws(KubeError) -> T
    {
        let patch: JSONValue = [
            "metadata": [
                "resourceVersion": object.metadata.resourceVersion.map { JSONValue.string($0) } ?? .null,
                "finalizers": .array(finalizers.map { .string($0) }),
            ]
        ]
        return try await client.patch(
            T.self, name: object.name, namespace: object.metadata.namespace, patch: .merge(patch))
    }
}
