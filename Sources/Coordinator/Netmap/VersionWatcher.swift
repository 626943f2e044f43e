import ServiceLifecycle

/// Publishes netmap versions written by other processes sharing the database (for example an offline
/// `tailnet-coordinator rotate-ca`) to the hub, so their long polls wake too. On graceful shutdown it closes the
/// hub, so pending long polls answer at once instead of holding the server open.
struct VersionWatcher: Service {
    let store: CoordinatorStore
    let hub: NetmapHub
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                if let version = try? await store.netmapVersion() { hub.publish(version) }
            }
        }
        hub.close()
    }
}
