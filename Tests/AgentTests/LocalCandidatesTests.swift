import Agent
import RelayCore
import Testing

/// The node publishes its interface addresses that can be reached from elsewhere: IPv4 outside loopback and the
/// tailnet prefix, IPv6 global unicast only.
@Suite struct LocalCandidatesTests {
    func v6(_ text: String) -> [UInt8] {
        EndpointAddress("[\(text)]:1")!.addressBytes
    }

    @Test func globalIPv6AddressesAreCandidatesAndNothingElse() {
        #expect(LocalCandidates.isGlobal(ipv6: v6("2a01:4f8:c17:1::2")))
        #expect(LocalCandidates.isGlobal(ipv6: v6("2600:1f18::1")))
        #expect(LocalCandidates.isGlobal(ipv6: v6("3fff::1")))
        for local in ["fe80::1", "fd00:1::2", "fc00::1", "::1", "::", "ff02::1", "::ffff:192.0.2.1", "2001:db8::7"] {
            #expect(!LocalCandidates.isGlobal(ipv6: v6(local)), "\(local)")
        }
        #expect(!LocalCandidates.isGlobal(ipv6: [0x20, 0x01]), "not 16 bytes")
    }

    @Test func endpointsJoinInterfaceAndReflexiveAddresses() {
        let reflexive = [EndpointAddress("203.0.113.9:61000")!, EndpointAddress("192.168.1.20:41641")!]
        let endpoints = LocalCandidates.endpoints(
            ipv4: [0xC0A8_0114, 0x7F00_0001, 0x6440_0007, 0x0A00_0005],
            ipv6: [v6("2a01:4f8:c17:1::2"), v6("fe80::1"), v6("fd00::2")], port: 41641, reflexive: reflexive)
        #expect(
            endpoints.map(\.description).sorted()
                == ["10.0.0.5:41641", "192.168.1.20:41641", "203.0.113.9:61000", "[2a01:4f8:c17:1::2]:41641"].sorted())
        #expect(LocalCandidates.endpoints(ipv4: [], ipv6: [], port: 1, reflexive: []).isEmpty)
    }
}
