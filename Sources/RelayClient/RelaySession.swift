import NIOConcurrencyHelpers
import NIOCore
import RelayCore

/// A bound relay session: send and receive WireGuard-protocol payloads to the peer through the relay, and measure
/// the round trip with end-to-end sealed Ping/Pong (the relay forwards them without being able to read them).
public final class RelaySession: Sendable {
    /// What the relay allocated.
    public let allocation: Allocation
    /// Payloads from the peer (Geneve header removed), in arrival order; finishes when the client closes.
    public let received: AsyncStream<[UInt8]>
    let receivedContinuation: AsyncStream<[UInt8]>.Continuation
    let peerKey: SharedKey
    unowned let client: RelayClient
    private let generation = NIOLockedValueBox<UInt32>(0)

    /// The session id.
    public var vni: UInt32 { allocation.vni }

    init(client: RelayClient, allocation: Allocation, peerKey: SharedKey) {
        self.client = client
        self.allocation = allocation
        self.peerKey = peerKey
        (received, receivedContinuation) = AsyncStream.makeStream(
            of: [UInt8].self, bufferingPolicy: .bufferingNewest(client.configuration.receiveBufferLimit))
    }

    func nextGeneration() -> UInt32 {
        generation.withLockedValue { value in
            value = value == UInt32.max ? 1 : value + 1
            return value
        }
    }

    private let ending = NIOLockedValueBox<RelayClientError?>(nil)

    func finish() { receivedContinuation.finish() }

    /// Why the relay ended this session (a sealed Error it sent unprompted, e.g. `revoked` or `expiredCertificate`
    /// for this side, `unknownSession` when the peer's certificate stopped holding); nil while it runs. `received`
    /// finishes when the session ends.
    public var endedBy: RelayClientError? { ending.withLockedValue { $0 } }

    func end(_ reason: RelayClientError) {
        ending.withLockedValue { $0 = reason }
        finish()
    }

    /// Sends `payload` (e.g. a WireGuard packet) to the peer on this session.
    public func send(_ payload: [UInt8]) async throws(RelayClientError) {
        try await client.send(GeneveHeader(isControl: false, protocolType: .wireGuard, vni: vni).bytes + payload)
    }

    /// Starts sending `payload` without waiting for the write (for forwarding loops); write errors are dropped.
    public func sendNow(_ payload: [UInt8]) {
        client.sendNow(GeneveHeader(isControl: false, protocolType: .wireGuard, vni: vni).bytes + payload)
    }

    /// Stops routing this session's datagrams to `received` (which finishes); the relay keeps the session until it
    /// expires.
    public func close() {
        client.forget(self)
    }

    /// Sends an end-to-end Ping and returns the round-trip time of the first Pong. Retries with a new transaction id
    /// up to the client's `attempts`, each waiting the client's `timeout`.
    public func ping(paddingLength: Int = 0) async throws(RelayClientError) -> Duration {
        var sent = ContinuousClock.now
        let rtt = try await client.exchange(step: "Ping", expected: "a Pong") {
            let transaction = TransactionID.random()
            let message = ControlMessage.ping(PingMessage(transactionID: transaction, paddingLength: paddingLength))
            let datagram = message.sealedDatagram(
                header: GeneveHeader(isControl: false, protocolType: .control, vni: vni),
                sender: client.identity.publicKey, key: peerKey)
            sent = ContinuousClock.now
            return (.pong(transaction), datagram)
        } accept: { reply in
            if case .pong(_, let at) = reply { at - sent } else { nil }
        }
        guard let rtt else {
            throw .peerUnreachable(
                vni: vni, attempts: client.configuration.attempts, timeout: client.configuration.timeout)
        }
        return rtt
    }

    /// Binds again from the client's current address with a new generation (e.g. after the relay restarted its
    /// bind state, or to refresh the binding).
    public func rebind() async throws(RelayClientError) {
        try await client.bind(self, generation: nextGeneration())
    }
}
