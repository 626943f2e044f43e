import NIOCore

/// The relay's sockets on one event loop, by transport, so a datagram that must leave by the other address family
/// (an IPv4 client talking to an IPv6 client) is written on the same loop without a hop. Only touched on its loop.
final class LoopEgress {
    var channels: [(any Channel)?] = [nil, nil]
    var pendingFlush: [Bool] = [false, false]
    /// Set when a socket refused a segmentation-offload write; trains then leave datagram by datagram.
    var segmentationOffloadFailed: [Bool] = [false, false]

    func channel(for transport: Transport) -> (any Channel)? {
        channels[transport.rawValue]
    }

    /// Flushes every socket of this loop that got writes from another socket's burst.
    func flushPending() {
        for index in pendingFlush.indices where pendingFlush[index] {
            pendingFlush[index] = false
            channels[index]?.flush()
        }
    }
}
