/// Builders for every operation, so paths, queries and content types are tested without a server.
extension KubeRequest {
    /// GET of one object or subresource.
    public static func get(_ resource: KubeResource, namespace: String?, name: String, subresource: String? = nil)
        -> KubeRequest
    {
        KubeRequest(method: "GET", path: resource.path(namespace: namespace, name: name, subresource: subresource))
    }

    /// GET of a collection, with list options as the query.
    public static func list(_ resource: KubeResource, namespace: String?, options: ListOptions = ListOptions())
        -> KubeRequest
    {
        KubeRequest(method: "GET", path: resource.path(namespace: namespace), query: options.query)
    }

    /// GET of a collection with `watch=1`: an NDJSON stream of events.
    public static func watch(_ resource: KubeResource, namespace: String?, options: WatchOptions) -> KubeRequest {
        KubeRequest(method: "GET", path: resource.path(namespace: namespace), query: options.query)
    }

    /// POST of a new object.
    public static func create(_ resource: KubeResource, namespace: String?, body: [UInt8], fieldManager: String? = nil)
        -> KubeRequest
    {
        KubeRequest(
            method: "POST", path: resource.path(namespace: namespace),
            query: fieldManager.map { [("fieldManager", $0)] } ?? [],
            body: body, contentType: "application/json")
    }

    /// PUT of a whole object (or subresource).
    public static func replace(
        _ resource: KubeResource, namespace: String?, name: String, body: [UInt8], subresource: String? = nil,
        fieldManager: String? = nil
    ) -> KubeRequest {
        KubeRequest(
            method: "PUT", path: resource.path(namespace: namespace, name: name, subresource: subresource),
            query: fieldManager.map { [("fieldManager", $0)] } ?? [], body: body, contentType: "application/json")
    }

    /// PATCH with the content type of the patch flavour.
    public static func patch(
        _ resource: KubeResource, namespace: String?, name: String, patch: KubePatch, subresource: String? = nil,
        fieldManager: String? = nil
    ) -> KubeRequest {
        KubeRequest(
            method: "PATCH", path: resource.path(namespace: namespace, name: name, subresource: subresource),
            query: fieldManager.map { [("fieldManager", $0)] } ?? [], body: patch.body, contentType: patch.contentType)
    }

    /// Server-side apply: PATCH with `application/apply-patch+yaml` (JSON is YAML), `fieldManager` required.
    public static func apply(
        _ resource: KubeResource, namespace: String?, name: String, body: [UInt8], fieldManager: String, force: Bool,
        subresource: String? = nil
    ) -> KubeRequest {
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        return KubeRequest(
            method: "PATCH", path: resource.path(namespace: namespace, name: name, subresource: subresource),
            query: query,
            body: body, contentType: "application/apply-patch+yaml")
    }

    /// DELETE with a DeleteOptions body.
    public static func delete(_ resource: KubeResource, namespace: String?, name: String, options: DeleteOptions)
        -> KubeRequest
    {
        KubeRequest(
            method: "DELETE", path: resource.path(namespace: namespace, name: name),
            body: (try? JSONValue(encoding: options).jsonBytes()) ?? [], contentType: "application/json")
    }
}
