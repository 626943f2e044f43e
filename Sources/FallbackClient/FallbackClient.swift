import Fallback
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import RelayClient
public import RelayCore
public import ServiceLifecycle
import Synchronization

/// A fallback relay client that stays connected: it reconnects after any retryable loss with exponential backoff
/// and jitter (or after the delay a restarting server asks for), and gives up only when the server refuses the
/// certificate itself (revoked, expired, foreign): then ``run()`` throws and the node must renew its certificate.
///
/// Run it as a `Service` (or call ``run()`` in a task); consume ``events`` in one place; ``send(to:payload:control:)``
/// from anywhere.
public final class FallbackClient: Service, Sendable {
    /// The relay.
    public let endpoint: FallbackEndpoint
    /// The node identity.
    public let identity: RelayIdentity
    /// Packets and notices of every connection in turn, with `.connected`/`.disconnected` between them.
    public let events: AsyncStream<FallbackEvent>
    private let continuation: AsyncStream<FallbackEvent>.Continuation
    private let configuration: FallbackClientConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let current = NIOLockedValueBox<FallbackConnection?>(nil)
    private let connectionCount = Atomic<Int>(0)

    /// Creates a client; nothing happens until ``run()``.
    public init(
        endpoint: FallbackEndpoint, identity: RelayIdentity,
        configuration: FallbackClientConfiguration = FallbackClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "fallback-client")
    ) {
        self.endpoint = endpoint
        self.identity = identity
        self.configuration = configuration
        self.group = group
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(
            of: FallbackEvent.self, bufferingPolicy: .bufferingNewest(configuration.eventBufferSize))
    }

    /// Whether a connection is admitted now.
    public var isConnected: Bool { current.withLockedValue { $0?.isActive ?? false } }

    /// How many times a connection was admitted (1 after the first, 2 after the first reconnect, ...).
    public var admissions: Int { connectionCount.load(ordering: .relaxed) }

    /// Queues a packet on the current connection.
    /// - Throws: `.notConnected` between connections, `.packetTooLarge`.
    public func send(to destination: PublicKey, payload: some Collection<UInt8>, control: Bool = false)
        throws(FallbackClientError)
    {
        guard let connection = current.withLockedValue({ $0 }) else { throw .notConnected }
        try connection.send(to: destination, payload: payload, control: control)
    }

    /// Connects and reconnects until cancelled (or graceful shutdown).
    /// - Throws: the ``FallbackClientError`` that made reconnecting pointless (a refused certificate).
    public func run() async throws {
        defer { continuation.finish() }
        try await cancelWhenGracefulShutdown {
            try await self.connectLoop()
        }
    }

    private func connectLoop() async throws(FallbackClientError) {
        var backoff = ReconnectBackoff(initial: configuration.reconnectInitial, maximum: configuration.reconnectMaximum)
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            var wait: Duration? = nil
            do throws(FallbackClientError) {
                let connection = try await FallbackConnection.connect(
                    to: endpoint, identity: identity, configuration: configuration, group: group)
                current.withLockedValue { $0 = connection }
                connectionCount.add(1, ordering: .relaxed)
                backoff.reset()
                continuation.yield(.connected(connection.accepted))
                logger.info("fallback relay connected", metadata: ["relay": "\(endpoint)"])
                var ending: FallbackClientError = .connectionLost("connection closed")
                await withTaskCancellationHandler {
                    for await event in connection.events {
                        if case .disconnected(let error) = event { ending = error }
                        continuation.yield(event)
                    }
                } onCancel: {
                    Task { await connection.close() }
                }
                current.withLockedValue { $0 = nil }
                if Task.isCancelled { return }
                logger.info("fallback relay disconnected", metadata: ["relay": "\(endpoint)", "reason": "\(ending)"])
                guard ending.isRetryable else { throw ending }
                if case .closedByServer(let notice) = ending, notice.retryAfterMillis > 0 {
                    // A restarting server says when to come back; spread the returns over that much again.
                    let base = Int64(notice.retryAfterMillis)
                    wait = .milliseconds(base + Int64.random(in: 0...base, using: &random))
                }
            } catch {
                continuation.yield(.disconnected(error))
                logger.info(
                    "fallback relay connection failed", metadata: ["relay": "\(endpoint)", "error": "\(error)"])
                guard error.isRetryable else { throw error }
            }
            let delay = wait ?? backoff.nextDelay(using: &random)
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
        }
    }
}
