import Agent
import RelayCore
import Testing

/// The node publishes its interface addresses that can be reached from elsewhere (what `CandidateFilter` keeps) with
/// the tailnet port, and its reflexive addresses.
@Suite struct LocalCandidatesTests {
    static func v6(_ text: String) -> [UInt8] {
        EndpointAddress("[\(text)]:1")!.addressBytes
    }

    static func v4(_ text: String) -> UInt32 {
        EndpointAddress("\(text):1")!.ipv4!
    }

    @Test func globalIPv6AddressesAreCandidatesAndNothingElse() {
        #expect(LocalCandidates.isGlobal(ipv6: Self.v6("2a01:4f8:c17:1::2")))
        #expect(LocalCandidates.isGlobal(ipv6: Self.v6("2600:1f18::1")))
        #expect(LocalCandidates.isGlobal(ipv6: Self.v6("3fff::1")))
        for local in ["fe80::1", "fd00:1::2", "fc00::1", "::1", "::", "ff02::1", "::ffff:192.0.2.1", "2001:db8::7"] {
            #expect(!LocalCandidates.isGlobal(ipv6: Self.v6(local)), "\(local)")
        }
        #expect(!LocalCandidates.isGlobal(ipv6: [0x20, 0x01]), "not 16 bytes")
    }

    @Test func endpointsJoinFilteredInterfaceAndReflexiveAddresses() {
        let ethernet: InterfaceFlags = [.up]
        let interfaces = [
            InterfaceAddress(interface: "eth0", flags: ethernet, address: .ipv4(Self.v4("192.168.1.20"))),
            InterfaceAddress(interface: "eth1", flags: ethernet, address: .ipv4(Self.v4("10.0.0.5"))),
            InterfaceAddress(interface: "lo", flags: [.up, .loopback], address: .ipv4(Self.v4("127.0.0.1"))),
            InterfaceAddress(
                interface: "tailnet0", flags: [.up, .pointToPoint], address: .ipv4(Self.v4("100.64.0.7"))),
            InterfaceAddress(interface: "eth0", flags: ethernet, address: .ipv6(Self.v6("2a01:4f8:c17:1::2"))),
            InterfaceAddress(interface: "eth0", flags: ethernet, address: .ipv6(Self.v6("fe80::1"))),
            InterfaceAddress(interface: "eth0", flags: ethernet, address: .ipv6(Self.v6("fd00::2"))),
        ]
        let reflexive = [EndpointAddress("203.0.113.9:61000")!, EndpointAddress("192.168.1.20:41641")!]
        let filter = CandidateFilter(ownInterface: "tailnet0")
        let endpoints = LocalCandidates.endpoints(
            interfaces: interfaces, filter: filter, ipv6: true, port: 41641, reflexive: reflexive)
        #expect(
            endpoints.map(\.description)
                == ["10.0.0.5:41641", "192.168.1.20:41641", "203.0.113.9:61000", "[2a01:4f8:c17:1::2]:41641"])
        let withoutIPv6 = LocalCandidates.endpoints(
            interfaces: interfaces, filter: filter, ipv6: false, port: 41641, reflexive: reflexive)
        #expect(withoutIPv6.map(\.description) == ["10.0.0.5:41641", "192.168.1.20:41641", "203.0.113.9:61000"])
        #expect(LocalCandidates.endpoints(interfaces: [], filter: filter, ipv6: true, port: 1, reflexive: []).isEmpty)
    }
}
