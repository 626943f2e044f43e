import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// Bridges a local UDP port and a relay session: datagrams a local program (e.g. WireGuard, with its peer endpoint
/// set to this port) sends here go to the peer through the relay, and the peer's datagrams come back to that
/// program. The local program's address is `localPeer` or, when nil, the first address that sends here.
public final class LocalUDPForwarder: Sendable {
    let socket: DatagramSocket
    let session: RelaySession
    let localPeer: NIOLockedValueBox<SocketAddress?>
    let counterBox = NIOLockedValueBox(Counters())

    /// Datagrams moved in each direction and datagrams ignored (from a second local sender).
    public struct Counters: Sendable {
        /// Datagrams from the local socket sent to the peer.
        public var toPeer = 0
        /// Datagrams from the peer written to the local socket.
        public var fromPeer = 0
        /// Local datagrams ignored because they came from a second sender.
        public var ignored = 0
    }

    /// Binds the local port.
    public init(
        session: RelaySession, listenHost: String, listenPort: Int, localPeer: SocketAddress? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(RelayClientError) {
        self.session = session
        self.socket = try await DatagramSocket.bind(host: listenHost, port: listenPort, group: group)
        self.localPeer = NIOLockedValueBox(localPeer)
    }

    /// The bound local address.
    public var localAddress: SocketAddress { socket.localAddress }

    /// Traffic so far.
    public var counters: Counters { counterBox.withLockedValue { $0 } }

    /// Forwards until the task is cancelled or the session or socket ends; then closes the local socket.
    public func run() async {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.forwardLocalToPeer() }
                group.addTask { await self.forwardPeerToLocal() }
                await group.next()
                group.cancelAll()
                await self.socket.close()
            }
        } onCancel: {
            Task { await self.socket.close() }
        }
    }

    private func forwardLocalToPeer() async {
        for await datagram in socket.inbound {
            let accepted = localPeer.withLockedValue { peer -> Bool in
                if peer == nil { peer = datagram.source }
                return peer == datagram.source
            }
            if accepted {
                session.sendNow(datagram.bytes)
                counterBox.withLockedValue { $0.toPeer += 1 }
            } else {
                counterBox.withLockedValue { $0.ignored += 1 }
            }
        }
    }

    private func forwardPeerToLocal() async {
        for await payload in session.received {
            guard !Task.isCancelled else { return }
            if let peer = localPeer.withLockedValue({ $0 }) {
                socket.sendNow(payload, to: peer)
                counterBox.withLockedValue { $0.fromPeer += 1 }
            }
        }
    }
}
