import Synchronization

/// A thread-safe cache of objects by key, with indexes by namespace and by owner UID.
public final class Store<T: KubeObject>: Sendable {
    struct State {
        var objects: [ObjectKey: T] = [:]
        var byNamespace: [String: Set<ObjectKey>] = [:]
        var byOwner: [String: Set<ObjectKey>] = [:]
        var resourceVersion: String?
        var synced = false
    }

    private let state = Mutex(State())

    /// An empty, unsynced store.
    public init() {}

    /// Inserts or updates an object.
    public func apply(_ object: T) {
        let key = ObjectKey(object)
        state.withLock { state in
            if let old = state.objects[key] { Self.unindex(old, key, &state) }
            state.objects[key] = object
            Self.index(object, key, &state)
        }
    }

    /// Removes `object`.
    public func remove(_ object: T) {
        let key = ObjectKey(object)
        state.withLock { state in
            if let old = state.objects.removeValue(forKey: key) { Self.unindex(old, key, &state) }
        }
    }

    /// Replaces everything (after a list) and marks the store synced.
    public func replace(_ objects: [T], resourceVersion: String?) {
        state.withLock { state in
            state = State()
            for object in objects {
                let key = ObjectKey(object)
                state.objects[key] = object
                Self.index(object, key, &state)
            }
            state.resourceVersion = resourceVersion
            state.synced = true
        }
    }

    /// The object of `key`, if cached.
    public func get(_ key: ObjectKey) -> T? { state.withLock { $0.objects[key] } }

    /// The object `name` in `namespace`, if cached.
    public func get(name: String, namespace: String?) -> T? { get(ObjectKey(namespace: namespace, name: name)) }

    /// All objects, or those of one namespace.
    public func list(namespace: String? = nil) -> [T] {
        state.withLock { state in
            guard let namespace else { return Array(state.objects.values) }
            return (state.byNamespace[namespace] ?? []).compactMap { state.objects[$0] }
        }
    }

    /// Objects whose ownerReferences include this UID.
    public func owned(by uid: String) -> [T] {
        state.withLock { state in (state.byOwner[uid] ?? []).compactMap { state.objects[$0] } }
    }

    /// Objects stored.
    public var count: Int { state.withLock { $0.objects.count } }
    /// Keys of the objects stored.
    public var keys: [ObjectKey] { state.withLock { Array($0.objects.keys) } }
    /// True once the first full list has been stored.
    public var isSynced: Bool { state.withLock { $0.synced } }
    /// The resourceVersion of the last list or event applied.
    public var resourceVersion: String? { state.withLock { $0.resourceVersion } }

    func setResourceVersion(_ version: String) { state.withLock { $0.resourceVersion = version } }

    private static func index(_ object: T, _ key: ObjectKey, _ state: inout State) {
        state.byNamespace[key.namespace ?? "", default: []].insert(key)
        for owner in object.metadata.ownerReferences ?? [] { state.byOwner[owner.uid, default: []].insert(key) }
    }

    private static func unindex(_ object: T, _ key: ObjectKey, _ state: inout State) {
        state.byNamespace[key.namespace ?? ""]?.remove(key)
        if state.byNamespace[key.namespace ?? ""]?.isEmpty == true { state.byNamespace[key.namespace ?? ""] = nil }
        for owner in object.metadata.ownerReferences ?? [] {
            state.byOwner[owner.uid]?.remove(key)
            if state.byOwner[owner.uid]?.isEmpty == true { state.byOwner[owner.uid] = nil }
        }
    }
}
