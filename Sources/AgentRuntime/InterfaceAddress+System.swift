import Agent
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

extension InterfaceAddress {
    /// Every IPv4 and IPv6 address of every interface, with the interface's name and flags, as `getifaddrs(3)`
    /// lists them (empty when it fails). No filtering here: that is `CandidateFilter`'s.
    static func system() -> [InterfaceAddress] {
        #if canImport(Glibc)
            var list: UnsafeMutablePointer<ifaddrs>?
            guard getifaddrs(&list) == 0, let first = list else { return [] }
            defer { freeifaddrs(list) }
            var records: [InterfaceAddress] = []
            for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
                guard let socketAddress = entry.pointee.ifa_addr, let name = entry.pointee.ifa_name else { continue }
                let address: Address
                switch Int32(socketAddress.pointee.sa_family) {
                case AF_INET:
                    let endpoint = EndpointAddress(UnsafeRawPointer(socketAddress).load(as: sockaddr_in.self))
                    guard let value = endpoint.ipv4 else { continue }
                    address = .ipv4(value)
                case AF_INET6:
                    let endpoint = EndpointAddress(UnsafeRawPointer(socketAddress).load(as: sockaddr_in6.self))
                    address = .ipv6(endpoint.addressBytes)
                default: continue
                }
                records.append(
                    InterfaceAddress(
                        interface: String(cString: name), flags: InterfaceFlags(rawValue: entry.pointee.ifa_flags),
                        address: address))
            }
            return records
        #else
            return []
        #endif
    }
}
