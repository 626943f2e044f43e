public import Logging
public import ServiceLifecycle
import Testing

/// Runs a listening service (a Hummingbird application, say) in its own `ServiceGroup` for the duration of `body`,
/// then shuts it down gracefully. `make` builds the service and must call `bound` with the port it listens on;
/// `body` runs once that port is known.
public func withRunningService<S: Service, T: Sendable>(
    logger: Logger,
    _ make: (_ bound: @escaping @Sendable (Int) -> Void) async throws -> S,
    _ body: (_ port: Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let service = try await make { port in continuation.yield(port) }
    let services = ServiceGroup(
        configuration: ServiceGroupConfiguration(services: [service], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next(), "the service ended before it reported its port")
        let result = try await body(port)
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}

/// The first element of `stream` that `match` maps to a value, or nil when the stream ends or `timeout` passes.
public func firstMatch<Element: Sendable, T: Sendable>(
    _ stream: AsyncStream<Element>, timeout: Duration = .seconds(10), _ match: @escaping @Sendable (Element) -> T?
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask {
            for await element in stream {
                if let value = match(element) { return value }
            }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
