import Kube
import Metrics

/// The child writes of one reconcile pass: server-side applies through the ``Applier`` (skipped when
/// unchanged) and deletes. A refused write does not stop the pass; the first refusal is kept for the
/// status.
struct ChildWrites {
    let applier: Applier
    let namespace: String
    let applies: Counter
    /// The first refused write, as "Kind name: error".
    private(set) var failure: String?

    init(applier: Applier, namespace: String, applies: Counter) {
        self.applier = applier
        self.namespace = namespace
        self.applies = applies
    }

    /// Applies `intent` as `T` called `name`; the apiserver's answer, or nil when skipped or refused.
    mutating func apply<T: KubeObject>(
        _ type: T.Type, _ name: String, _ intent: some Encodable & Sendable, observed: String?
    ) async -> T? {
        do {
            let result = try await applier.apply(
                T.self, name: name, namespace: namespace, intent: intent, observedVersion: observed)
            if result != nil { applies.increment() }
            return result
        } catch {
            note("\(T.resource.kind) \(name): \(error)")
            return nil
        }
    }

    /// Deletes the `T` called `name` (already gone counts as done).
    mutating func delete<T: KubeObject>(_ type: T.Type, _ name: String) async {
        do {
            try await applier.client.delete(resource: T.resource, namespace: namespace, name: name)
            applier.forget(T.self, name: name, namespace: namespace)
        } catch let error where error.isNotFound {
            applier.forget(T.self, name: name, namespace: namespace)
        } catch {
            note("\(T.resource.kind) \(name): \(error)")
        }
    }

    private mutating func note(_ message: String) {
        if failure == nil { failure = message }
    }
}
