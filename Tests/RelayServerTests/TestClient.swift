import NIOCore
import RelayCore
import Testing

/// A minimal client of the relay protocol for tests, built on RelayCore's codec and a plain NIO UDP socket.
final class TestClient: Sendable {
    enum Reply: Equatable {
        case allocated(AllocateResponseMessage)
        case challenge(BindMessage)
        case error(RelayErrorMessage)
        case other(String)
    }

    let node: TestTailnet.Node
    let socket: TestSocket
    let relay: SocketAddress
    let relayKey: SharedKey

    init(
        node: TestTailnet.Node, relay: SocketAddress, relayPublicKey: PublicKey, host: String = "127.0.0.1",
        receiveOffload: Bool = false
    ) async throws {
        self.node = node
        self.relay = relay
        guard let shared = node.key.sharedKey(with: relayPublicKey) else { throw TestFailure("bad relay key") }
        relayKey = shared
        socket = try await TestSocket.open(host: host, receiveOffload: receiveOffload)
    }

    var publicKey: PublicKey { node.publicKey }

    func close() async { await socket.close() }

    /// A sealed control datagram from this client.
    func controlDatagram(_ message: ControlMessage, vni: UInt32) -> [UInt8] {
        message.sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: vni), sender: publicKey,
            key: relayKey)
    }

    /// Sends `message` and returns the opened reply (nil when none arrives within `timeout`).
    func request(_ message: ControlMessage, vni: UInt32, timeout: Duration = .seconds(2)) async throws -> Reply? {
        let datagram = controlDatagram(message, vni: vni)
        try await socket.send(datagram, to: relay)
        guard let reply = await socket.receive(timeout: timeout) else { return nil }
        expectReplyNotLarger(reply.bytes.count, datagram.count)
        return try open(reply.bytes)
    }

    func open(_ bytes: [UInt8]) throws -> Reply {
        let message = try bytes.withUnsafeBytes { buffer throws(DropReason) in
            try DatagramParser.openControl(buffer, key: relayKey)
        }
        switch message {
        case .allocateResponse(let response): return .allocated(response)
        case .challenge(let body): return .challenge(body)
        case .error(let error): return .error(error)
        default: return .other("\(message.type)")
        }
    }

    func allocate(peer: PublicKey, generation: UInt32 = 1, certificate: [UInt8]? = nil, padding: Int = 0)
        async throws -> Reply?
    {
        let message = AllocateMessage(
            generation: generation, peerKey: peer, certificate: certificate ?? node.certificate.encoded(),
            paddingLength: padding)
        return try await request(.allocate(message), vni: 0)
    }

    /// Allocates and returns the response, failing on anything else.
    func allocateOK(peer: PublicKey) async throws -> AllocateResponseMessage {
        let reply = try await allocate(peer: peer)
        guard case .allocated(let response) = reply else {
            throw TestFailure("allocate failed: \(String(describing: reply))")
        }
        return response
    }

    /// Bind → Challenge → Answer. Returns the cookie used.
    @discardableResult
    func bind(vni: UInt32, peer: PublicKey, generation: UInt32) async throws -> BindCookie {
        let reply = try await request(.bind(BindMessage(vni: vni, generation: generation, remoteKey: peer)), vni: vni)
        guard case .challenge(let challenge) = reply else {
            throw TestFailure("bind: expected a Challenge, got \(String(describing: reply))")
        }
        try await socket.send(controlDatagram(.answer(challenge), vni: vni), to: relay)
        return challenge.cookie
    }

    /// A data datagram (Geneve O = 0, WireGuard protocol) with `payload`.
    static func dataDatagram(vni: UInt32, payload: [UInt8]) -> [UInt8] {
        GeneveHeader(isControl: false, protocolType: .wireGuard, vni: vni).bytes + payload
    }

    func sendData(vni: UInt32, payload: [UInt8]) async throws {
        try await socket.send(Self.dataDatagram(vni: vni, payload: payload), to: relay)
    }
}

/// Records an issue when a reply is larger than its request (the no-amplification rule).
func expectReplyNotLarger(_ reply: Int, _ request: Int) {
    if reply > request {
        Issue.record("reply of \(reply) bytes to a request of \(request) bytes (amplification)")
    }
}
