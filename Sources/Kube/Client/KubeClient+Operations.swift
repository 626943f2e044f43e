/// Generic operations on any resource; `T` is a typed model, `JSONValue` or `UnstructuredObject`.
/// For namespaced resources a nil namespace means the client's default namespace (except in
/// `list` and `watch`, where nil means all namespaces).
extension KubeClient {
    /// Reads one object (or its `subresource`) and decodes it as `T`.
    public func get<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String? = nil, name: String, subresource: String? = nil
    ) async throws(KubeError) -> T {
        let request = KubeRequest.get(
            resource, namespace: self.namespace(for: resource, namespace), name: name, subresource: subresource)
        return try decode(T.self, try await execute(request), what: "\(resource) \(name)")
    }

    /// Lists one page of objects; `options.limit` and `continueToken` page through large collections.
    public func list<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String?, options: ListOptions = ListOptions()
    ) async throws(KubeError) -> ObjectList<T> {
        let request = KubeRequest.list(resource, namespace: resource.namespaced ? namespace : nil, options: options)
        return try decode(ObjectList<T>.self, try await execute(request), what: "\(resource) list")
    }

    /// Lists every page (following `continue`); the result carries the first page's resourceVersion.
    public func listAll<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String?, options: ListOptions = ListOptions(),
        pageSize: Int = 500, maxPages: Int = 10_000
    ) async throws(KubeError) -> ObjectList<T> {
        var options = options
        options.limit = pageSize
        var first = try await list(T.self, resource: resource, namespace: namespace, options: options)
        var token = first.metadata.continue
        var pages = 1
        while let next = token, !next.isEmpty, pages < maxPages {
            var pageOptions = ListOptions(
                labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: pageSize)
            pageOptions.continueToken = next
            let page = try await list(T.self, resource: resource, namespace: namespace, options: pageOptions)
            first.items += page.items
            token = page.metadata.continue
            pages += 1
        }
        first.metadata.continue = nil
        first.metadata.remainingItemCount = nil
        return first
    }

    /// Creates `object` (POST); fails with `.alreadyExists` when the name is taken.
    public func create<T: Codable & Sendable>(
        _ object: T, resource: KubeResource, namespace: String? = nil, fieldManager: String? = nil
    ) async throws(KubeError) -> T {
        let body = try encodeBody(object, what: "\(resource)")
        let request = KubeRequest.create(
            resource, namespace: self.namespace(for: resource, namespace), body: body, fieldManager: fieldManager)
        return try decode(T.self, try await execute(request), what: "created \(resource)")
    }

    /// Replaces an object (PUT); its resourceVersion makes the write conditional (409 when stale).
    public func replace<T: Codable & Sendable>(
        _ object: T, resource: KubeResource, namespace: String? = nil, name: String, subresource: String? = nil,
        fieldManager: String? = nil
    ) async throws(KubeError) -> T {
        let body = try encodeBody(object, what: "\(resource)")
        let request = KubeRequest.replace(
            resource, namespace: self.namespace(for: resource, namespace), name: name, body: body,
            subresource: subresource,
            fieldManager: fieldManager)
        return try decode(T.self, try await execute(request), what: "\(resource) \(name)")
    }

    /// Patches an object with a merge, JSON or strategic merge patch.
    public func patch<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String? = nil, name: String, patch: KubePatch,
        subresource: String? = nil, fieldManager: String? = nil
    ) async throws(KubeError) -> T {
        let request = KubeRequest.patch(
            resource, namespace: self.namespace(for: resource, namespace), name: name, patch: patch,
            subresource: subresource,
            fieldManager: fieldManager)
        return try decode(T.self, try await execute(request), what: "\(resource) \(name)")
    }

    /// Server-side apply of `intent` (the fields this manager owns). Creates the object if absent.
    public func apply<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String? = nil, name: String, intent: some Encodable,
        fieldManager: String, force: Bool = false, subresource: String? = nil
    ) async throws(KubeError) -> T {
        let body = try encodeBody(intent, what: "\(resource) apply")
        return try await apply(
            T.self, resource: resource, namespace: namespace, name: name, body: body, fieldManager: fieldManager,
            force: force, subresource: subresource)
    }

    /// Server-side apply of an intent already encoded with ``encodeBody(_:what:)``.
    public func apply<T: Decodable & Sendable>(
        _ type: T.Type, resource: KubeResource, namespace: String? = nil, name: String, body: [UInt8],
        fieldManager: String, force: Bool = false, subresource: String? = nil
    ) async throws(KubeError) -> T {
        let request = KubeRequest.apply(
            resource, namespace: self.namespace(for: resource, namespace), name: name, body: body,
            fieldManager: fieldManager, force: force, subresource: subresource)
        return try decode(T.self, try await execute(request), what: "\(resource) \(name)")
    }

    /// Deletes an object. Returns the server's answer: the object (when finalizers keep it, or for
    /// kinds that return it) or a `Status`.
    @discardableResult
    public func delete(
        resource: KubeResource, namespace: String? = nil, name: String, options: DeleteOptions = DeleteOptions()
    ) async throws(KubeError) -> JSONValue {
        let request = KubeRequest.delete(
            resource, namespace: self.namespace(for: resource, namespace), name: name, options: options)
        return try decode(JSONValue.self, try await execute(request), what: "delete \(resource) \(name)")
    }
}

/// Conveniences for typed models.
extension KubeClient {
    /// Reads the `T` called `name`.
    public func get<T: KubeObject>(_ type: T.Type, name: String, namespace: String? = nil) async throws(KubeError) -> T
    {
        try await get(T.self, resource: T.resource, namespace: namespace, name: name)
    }

    /// Returns nil instead of throwing when the object does not exist.
    public func getIfExists<T: KubeObject>(_ type: T.Type, name: String, namespace: String? = nil)
        async throws(KubeError) -> T?
    {
        do {
            return try await get(T.self, name: name, namespace: namespace)
        } catch .notFound {
            return nil
        }
    }

    /// Lists one page of `T` objects in `namespace` (nil: all namespaces).
    public func list<T: KubeObject>(_ type: T.Type, namespace: String?, options: ListOptions = ListOptions())
        async throws(KubeError) -> ObjectList<T>
    {
        try await list(T.self, resource: T.resource, namespace: namespace, options: options)
    }

    /// Creates `object` in its own namespace (the default namespace when unset).
    public func create<T: KubeObject>(_ object: T, fieldManager: String? = nil) async throws(KubeError) -> T {
        var object = object
        object.fillTypeMeta()
        return try await create(
            object, resource: T.resource, namespace: object.metadata.namespace, fieldManager: fieldManager)
    }

    /// PUT: the object's resourceVersion makes it conditional (409 when stale).
    public func replace<T: KubeObject>(_ object: T, fieldManager: String? = nil) async throws(KubeError) -> T {
        var object = object
        object.fillTypeMeta()
        return try await replace(
            object, resource: T.resource, namespace: object.metadata.namespace, name: object.name,
            fieldManager: fieldManager)
    }

    /// PUT to the status subresource.
    public func replaceStatus<T: KubeObject>(_ object: T, fieldManager: String? = nil) async throws(KubeError) -> T {
        var object = object
        object.fillTypeMeta()
        return try await replace(
            object, resource: T.resource, namespace: object.metadata.namespace, name: object.name,
            subresource: "status",
            fieldManager: fieldManager)
    }

    /// Patches the `T` called `name`.
    public func patch<T: KubeObject>(
        _ type: T.Type, name: String, namespace: String? = nil, patch: KubePatch, subresource: String? = nil,
        fieldManager: String? = nil
    ) async throws(KubeError) -> T {
        try await self.patch(
            T.self, resource: T.resource, namespace: namespace, name: name, patch: patch, subresource: subresource,
            fieldManager: fieldManager)
    }

    /// Server-side apply of a typed object (its set fields are the intent).
    public func apply<T: KubeObject>(_ object: T, fieldManager: String, force: Bool = false, subresource: String? = nil)
        async throws(KubeError) -> T
    {
        var object = object
        object.fillTypeMeta()
        return try await apply(
            T.self, resource: T.resource, namespace: object.metadata.namespace, name: object.name, intent: object,
            fieldManager: fieldManager, force: force, subresource: subresource)
    }

    /// Deletes the `T` called `name`; see ``delete(resource:namespace:name:options:)``.
    @discardableResult
    public func delete<T: KubeObject>(
        _ type: T.Type, name: String, namespace: String? = nil, options: DeleteOptions = DeleteOptions()
    )
        async throws(KubeError) -> JSONValue
    {
        try await delete(resource: T.resource, namespace: namespace, name: name, options: options)
    }
}
