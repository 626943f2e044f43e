import Agent
import Testing

/// Addresses only reachable through a tunnel are never direct candidates: a direct path must not run inside the
/// agent's own WireGuard, another VPN, or an interface the user excluded.
@Suite struct CandidateFilterTests {
    typealias Record = InterfaceAddress
    static let v4 = LocalCandidatesTests.v4
    static let v6 = LocalCandidatesTests.v6

    static func record(_ name: String, _ flags: InterfaceFlags, _ address: String) -> Record {
        Record(
            interface: name, flags: flags, address: address.contains(":") ? .ipv6(v6(address)) : .ipv4(v4(address)))
    }

    static let filter = CandidateFilter(ownInterface: "tailnet0", excluded: [try! InterfacePattern("docker*")])

    @Test func ethernetAndWiFiAddressesAreCandidates() {
        for record in [
            Self.record("eth0", [.up], "192.168.1.20"), Self.record("wlp2s0", [.up], "10.1.2.3"),
            Self.record("enp0s31f6", [.up], "203.0.113.5"), Self.record("eth0", [.up], "2a01:4f8:c17:1::2"),
            Self.record("br0", [.up], "172.20.0.1"),
        ] {
            #expect(Self.filter.exclusion(of: record) == nil, "\(record)")
        }
    }

    @Test func eachReasonForLeavingAnAddressOut() throws {
        let cases: [(Record, CandidateExclusion)] = [
            (Self.record("eth1", [], "192.168.7.2"), .down),
            (Self.record("eth1", [.pointToPoint], "192.168.7.2"), .down),
            (Self.record("lo", [.up, .loopback], "127.0.0.1"), .loopbackInterface),
            (Self.record("lo", [.up, .loopback], "::1"), .loopbackInterface),
            // The agent's own WireGuard interface, whatever its address or flags.
            (Self.record("tailnet0", [.up, .pointToPoint], "100.64.0.7"), .ownWireGuardInterface),
            (Self.record("tailnet0", [.up], "10.99.0.1"), .ownWireGuardInterface),
            // Another WireGuard beside the agent (Benchmarks/bench-agent's plain tunnel), OpenVPN, PPP, Tailscale.
            (Self.record("pla4242", [.up, .pointToPoint], "10.99.0.1"), .pointToPoint),
            (Self.record("ppp0", [.up, .pointToPoint], "198.51.100.3"), .pointToPoint),
            (Self.record("tailscale0", [.up, .pointToPoint], "fd7a:115c:a1e0::1"), .pointToPoint),
            // Tunnels that do not look point-to-point: named like one.
            (Self.record("wg0", [.up], "10.8.0.2"), .tunnelName(try InterfacePattern("wg*"))),
            (Self.record("tun0", [.up], "10.8.0.2"), .tunnelName(try InterfacePattern("tun*"))),
            (Self.record("ztabcdef12", [.up], "10.147.17.5"), .tunnelName(try InterfacePattern("zt*"))),
            (Self.record("tailscale0", [.up], "100.101.102.103"), .tunnelName(try InterfacePattern("tailscale*"))),
            (Self.record("docker0", [.up], "172.17.0.1"), .excludedByUser(try InterfacePattern("docker*"))),
            (Self.record("eth0", [.up], "127.0.1.1"), .loopbackAddress),
            // Inside the tailnet prefix on an ordinary-looking interface (a tunnel address behind a bridge).
            (Self.record("br-lan", [.up], "100.64.0.9"), .tailnetPrefix),
            (Self.record("eth0", [.up], "100.127.255.254"), .tailnetPrefix),
            (Self.record("eth0", [.up], "fe80::1"), .notGlobalIPv6),
            (Self.record("eth0", [.up], "fd00::2"), .notGlobalIPv6),
        ]
        for (record, reason) in cases {
            #expect(Self.filter.exclusion(of: record) == reason, "\(record)")
        }
        // Just outside the tailnet prefix: ordinary addresses.
        #expect(Self.filter.exclusion(of: Self.record("eth0", [.up], "100.63.255.255")) == nil)
        #expect(Self.filter.exclusion(of: Self.record("eth0", [.up], "100.128.0.1")) == nil)
    }

    @Test func candidatesKeepTheGivenOrderAndOnlyCandidates() {
        let records = [
            Self.record("eth0", [.up], "192.168.1.20"), Self.record("tailnet0", [.up, .pointToPoint], "100.64.0.7"),
            Self.record("docker0", [.up], "172.17.0.1"), Self.record("eth1", [.up], "10.0.0.5"),
        ]
        #expect(Self.filter.candidates(records) == [records[0], records[3]])
        // Without the user's exclusion docker0 is published; a different own interface name is not special.
        let plain = CandidateFilter(ownInterface: "wgagent")
        #expect(plain.candidates(records) == [records[0], records[2], records[3]])
    }

    @Test func reasonsReadAsWords() throws {
        #expect(CandidateExclusion.pointToPoint.description == "point-to-point interface (a tunnel)")
        #expect(
            CandidateExclusion.excludedByUser(try InterfacePattern("docker*")).description
                == "--exclude-interface docker*")
        #expect(CandidateExclusion.tailnetPrefix.description == "inside the tailnet prefix 100.64.0.0/10")
    }
}

/// `--exclude-interface` patterns: names with `*` and `?`; what cannot be an interface name is refused with why.
@Suite struct InterfacePatternTests {
    @Test(arguments: [
        ("docker*", "docker0", true), ("docker*", "docker", true), ("docker*", "dockerd-bridge", true),
        ("docker*", "xdocker0", false), ("br-*", "br-5f2a9c", true), ("br-*", "br0", false),
        ("veth????", "veth1a2b", true), ("veth????", "veth1a2", false), ("veth????", "veth1a2b3", false),
        ("eth0", "eth0", true), ("eth0", "eth01", false), ("*", "anything", true), ("*0", "eth0", true),
        ("*0", "eth1", false), ("e*h*1", "eth1", true), ("e*h*1", "ethh01", true), ("e*h*1", "eth10", false),
        ("**", "", true), ("?", "", false),
    ])
    func matching(pattern: String, name: String, matches: Bool) throws {
        #expect(try InterfacePattern(pattern).matches(name) == matches)
    }

    @Test func invalidPatternsAreRefusedWithWhatToWrite() {
        #expect(throws: InterfacePatternError.empty) { try InterfacePattern("") }
        #expect(throws: InterfacePatternError.tooLong("a-very-long-interface")) {
            try InterfacePattern("a-very-long-interface")
        }
        #expect(throws: InterfacePatternError.invalidCharacter("eth0:1", ":")) { try InterfacePattern("eth0:1") }
        #expect(throws: InterfacePatternError.invalidCharacter("10.0.0.0/8", "/")) {
            try InterfacePattern("10.0.0.0/8")
        }
        #expect(throws: InterfacePatternError.invalidCharacter("eth 0", " ")) { try InterfacePattern("eth 0") }
        #expect(InterfacePatternError.invalidCharacter("10.0.0.0/8", "/").description.contains("interface name"))
    }
}
