import RelayCore

extension EndpointAddress {
    /// The transport a datagram to this endpoint leaves by.
    var transport: Transport { isIPv4 ? .udp4 : .udp6 }
}
