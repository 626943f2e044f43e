import NIOCore
import RelayCore
import RelayNIO

/// Which endpoints the relay tells clients to use.
enum AdvertisedEndpoints {
    /// The configured endpoints; without any, each specific listen address with the bound port, and for a wildcard
    /// listen address every non-loopback, non-link-local address of that family on this machine.
    static func resolve(configured: [EndpointAddress], listenAddresses: [String], port: Int) -> [EndpointAddress] {
        if !configured.isEmpty { return configured }
        var result: [EndpointAddress] = []
        let devices = (try? System.enumerateDevices()) ?? []
        for listen in listenAddresses {
            guard let family = ListenAddress.family(of: listen) else { continue }
            if !ListenAddress.isWildcard(listen) {
                let text = family == .ipv4 ? "\(listen):\(port)" : "[\(listen)]:\(port)"
                if let endpoint = EndpointAddress(text) { result.append(endpoint) }
                continue
            }
            for device in devices {
                guard let address = device.address, var endpoint = EndpointAddress(address) else { continue }
                guard endpoint.isIPv4 == (family == .ipv4), isUsable(endpoint) else { continue }
                endpoint.port = UInt16(port)
                if !result.contains(endpoint) { result.append(endpoint) }
            }
        }
        return Array(result.prefix(16))
    }

    /// Not loopback, not unspecified, not IPv6 link-local.
    static func isUsable(_ endpoint: EndpointAddress) -> Bool {
        if let v4 = endpoint.ipv4 {
            return v4 >> 24 != 127 && v4 != 0
        }
        let bytes = endpoint.addressBytes
        let isLoopback = bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1
        let isUnspecified = bytes.allSatisfy { $0 == 0 }
        let isLinkLocal = bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80
        return !isLoopback && !isUnspecified && !isLinkLocal
    }
}
