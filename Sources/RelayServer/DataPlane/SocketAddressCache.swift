import NIOCore
import RelayCore
import RelayNIO

/// A per-event-loop cache of NIO socket addresses for forwarding destinations: building a `SocketAddress` allocates,
/// looking one up does not. Bounded: cleared when full (destinations are re-added on the next packet).
struct SocketAddressCache {
    private var entries: [EndpointAddress: SocketAddress] = [:]
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    mutating func address(for endpoint: EndpointAddress) -> SocketAddress {
        if let cached = entries[endpoint] { return cached }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        let created = endpoint.socketAddress
        entries[endpoint] = created
        return created
    }
}
