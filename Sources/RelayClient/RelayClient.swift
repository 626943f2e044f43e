import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import RelayCore

/// The client side of the relay protocol (docs/PROTOCOL.md): one identity, one UDP socket, one relay.
///
/// ```swift
/// try await RelayClient.withClient(identity: me, relay: relay) { client in
///     let allocation = try await client.allocate(peer: peerKey)
///     let session = try await client.bind(allocation)
///     let rtt = try await session.ping()
/// }
/// ```
/// Every request is bounded by `configuration.attempts × configuration.timeout`. End-to-end Pings from the peer are
/// answered automatically while the client runs.
public final class RelayClient: Sendable {
    /// The node identity this client allocates and binds with.
    public let identity: RelayIdentity
    /// The relay this client talks to.
    public let relay: RelayEndpoint
    /// Local address, timeouts and retries.
    public let configuration: RelayClientConfiguration
    let relayKey: SharedKey
    let group: any EventLoopGroup
    let pending = PendingReplies<ReplyKey, Reply>()
    let state: NIOLockedValueBox<State>

    struct State {
        var socket: DatagramSocket
        var dispatchers: [Task<Void, Never>] = []
        var sessions: [UInt32: RelaySession] = [:]
        var closed = false
        var dropped: [String: Int] = [:]
    }

    private init(
        identity: RelayIdentity, relay: RelayEndpoint, configuration: RelayClientConfiguration, relayKey: SharedKey,
        socket: DatagramSocket, group: any EventLoopGroup
    ) {
        self.identity = identity
        self.relay = relay
        self.configuration = configuration
        self.relayKey = relayKey
        self.group = group
        self.state = NIOLockedValueBox(State(socket: socket))
    }

    /// Opens the client's socket. Call `close()` when done, or use `withClient`.
    public static func connect(
        identity: RelayIdentity, relay: RelayEndpoint, configuration: RelayClientConfiguration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(RelayClientError) -> RelayClient {
        guard configuration.attempts >= 1, configuration.timeout > .zero else {
            throw .invalidInput("attempts must be at least 1 and the timeout positive")
        }
        guard let relayKey = identity.privateKey.sharedKey(with: relay.publicKey) else {
            throw .invalidInput("the relay public key \(relay.publicKey.base64) is not a usable X25519 key")
        }
        let socket = try await DatagramSocket.bind(
            host: configuration.localHost, port: configuration.localPort, group: group)
        let client = RelayClient(
            identity: identity, relay: relay, configuration: configuration, relayKey: relayKey, socket: socket,
            group: group)
        client.startDispatching(socket)
        return client
    }

    /// Runs `body` with a connected client and closes it afterwards, also when `body` throws.
    public static func withClient<Result: Sendable>(
        identity: RelayIdentity, relay: RelayEndpoint, configuration: RelayClientConfiguration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (RelayClient) async throws -> Result
    ) async throws -> Result {
        let client = try await connect(identity: identity, relay: relay, configuration: configuration, group: group)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// The address the client's socket is bound to now.
    public var localAddress: SocketAddress { state.withLockedValue { $0.socket.localAddress } }

    /// Datagrams the client ignored, by reason (not from the relay, unopenable, unknown session, ...).
    public var droppedDatagrams: [String: Int] { state.withLockedValue { $0.dropped } }

    /// Closes the socket, fails requests in flight with `.closed`, and ends every session's stream.
    public func close() async {
        let (socket, dispatchers, sessions) = state.withLockedValue { state in
            state.closed = true
            defer { state.sessions.removeAll() }
            return (state.socket, state.dispatchers, Array(state.sessions.values))
        }
        pending.closeAll()
        await socket.close()
        for dispatcher in dispatchers { await dispatcher.value }
        for session in sessions { session.finish() }
    }

    // MARK: Allocate

    /// Asks the relay for the session with `peer` (PROTOCOL.md §6 Allocate). Idempotent on the relay: both sides
    /// allocate and get the same VNI.
    public func allocate(peer: PublicKey) async throws(RelayClientError) -> Allocation {
        var lastGeneration: UInt32 = 0
        let answer = try await exchange(step: "Allocate", expected: "an AllocateResponse") {
            let generation = Self.randomGeneration(excluding: lastGeneration)
            lastGeneration = generation
            let message = ControlMessage.allocate(
                AllocateMessage(generation: generation, peerKey: peer, certificate: identity.certificate))
            return (.allocate(generation: generation), sealedToRelay(message, vni: 0))
        } accept: { reply in
            if case .allocated(let response) = reply { response } else { nil }
        }
        guard let response = answer else {
            throw .timeout(
                step: "Allocate", relay: relay.description, attempts: configuration.attempts,
                timeout: configuration.timeout)
        }
        guard response.vni >= 1, response.vni <= GeneveHeader.maximumVNI else {
            throw .protocolViolation("AllocateResponse carries VNI \(response.vni), outside 1...16777215")
        }
        return Allocation(
            vni: response.vni, peer: peer, bindTimeout: .milliseconds(Int64(response.bindTimeoutMilliseconds)),
            idleTimeout: .seconds(Int64(response.idleTimeoutSeconds)), endpoints: response.endpoints)
    }

    // MARK: Bind

    /// Binds this client's current address to the allocated session: Bind → Challenge → Answer. Returns the
    /// session, ready for data once the peer has bound too.
    public func bind(_ allocation: Allocation) async throws(RelayClientError) -> RelaySession {
        guard let peerKey = identity.privateKey.sharedKey(with: allocation.peer) else {
            throw .invalidInput("the peer key \(allocation.peer.base64) is not a usable X25519 key")
        }
        let session = RelaySession(client: self, allocation: allocation, peerKey: peerKey)
        let registered = state.withLockedValue { state -> Bool in
            guard !state.closed, state.sessions[allocation.vni] == nil else { return false }
            state.sessions[allocation.vni] = session
            return true
        }
        guard registered else {
            throw .invalidInput("this client already has a session on VNI \(allocation.vni) (or is closed)")
        }
        do {
            try await bind(session, generation: session.nextGeneration())
            return session
        } catch {
            forget(session)
            throw error
        }
    }

    /// Moves this client to a new socket (a new local address, as after a network change) and re-binds every
    /// session from there with a new generation.
    public func rebind(localHost: String? = nil, localPort: Int = 0) async throws(RelayClientError) {
        let socket = try await DatagramSocket.bind(
            host: localHost ?? configuration.localHost, port: localPort, group: group)
        let swapped = state.withLockedValue { state -> (DatagramSocket, [RelaySession])? in
            guard !state.closed else { return nil }
            let old = state.socket
            state.socket = socket
            return (old, Array(state.sessions.values))
        }
        guard let (old, sessions) = swapped else {
            await socket.close()
            throw .closed
        }
        startDispatching(socket)
        await old.close()
        for session in sessions {
            try await bind(session, generation: session.nextGeneration())
        }
    }

    func bind(_ session: RelaySession, generation: UInt32) async throws(RelayClientError) {
        let vni = session.allocation.vni
        let bind = BindMessage(vni: vni, generation: generation, remoteKey: session.allocation.peer)
        let datagram = sealedToRelay(.bind(bind), vni: vni)
        let answer = try await exchange(step: "Bind", expected: "a Challenge") {
            (.bind(vni: vni, generation: generation), datagram)
        } accept: { reply in
            if case .challenge(let challenge) = reply { challenge } else { nil }
        }
        guard let challenge = answer else {
            throw .timeout(
                step: "Bind (VNI \(vni))", relay: relay.description, attempts: configuration.attempts,
                timeout: configuration.timeout)
        }
        guard challenge.vni == vni, challenge.generation == generation, challenge.remoteKey == session.allocation.peer
        else {
            throw .protocolViolation("the Challenge does not echo the Bind's VNI, generation and remote key")
        }
        try await send(sealedToRelay(.answer(challenge), vni: vni))
    }

    func forget(_ session: RelaySession) {
        let removed = state.withLockedValue { state -> Bool in
            guard state.sessions[session.allocation.vni] === session else { return false }
            state.sessions[session.allocation.vni] = nil
            return true
        }
        if removed { session.finish() }
    }

    // MARK: Sending

    func sealedToRelay(_ message: ControlMessage, vni: UInt32) -> [UInt8] {
        message.sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: vni), sender: identity.publicKey,
            key: relayKey)
    }

    /// Sends `datagram` to the relay and waits for the reply matching `key`, for one timeout.
    func request(_ key: ReplyKey, _ datagram: [UInt8]) async -> PendingReplies<ReplyKey, Reply>.Outcome {
        let (socket, closed) = state.withLockedValue { ($0.socket, $0.closed) }
        if closed { return .closed }
        let destination = relay.address
        return await pending.wait(
            for: key, timeout: TimeAmount(configuration.timeout), on: socket.channel.eventLoop
        ) { failed in
            socket.sendNow(datagram, to: destination, failed: failed)
        }
    }

    /// Sends `datagram` to the relay.
    func send(_ datagram: [UInt8]) async throws(RelayClientError) {
        let (socket, closed) = state.withLockedValue { ($0.socket, $0.closed) }
        if closed { throw .closed }
        try await socket.send(datagram, to: relay.address)
    }

    /// Starts sending `datagram` to the relay without waiting.
    func sendNow(_ datagram: [UInt8]) {
        let (socket, closed) = state.withLockedValue { ($0.socket, $0.closed) }
        if !closed { socket.sendNow(datagram, to: relay.address) }
    }

    static func randomGeneration(excluding previous: UInt32) -> UInt32 {
        var generation: UInt32
        repeat { generation = UInt32.random(in: 1...UInt32.max) } while generation == previous
        return generation
    }
}

extension RelayClientError {
    static func refused(step: String, _ error: RelayErrorMessage) -> RelayClientError {
        .refused(step: step, code: error.rawCode, message: error.message)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
