import ServiceLifecycle

/// Keeps the UDP sockets open until graceful shutdown (or cancellation), then closes them.
struct DataPlaneService: Service {
    let dataPlane: RelayDataPlane
    let onShutdown: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        onShutdown()
        await dataPlane.close()
    }
}
