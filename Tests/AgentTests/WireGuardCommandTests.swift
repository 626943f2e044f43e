import Agent
import RelayCore
import Testing

/// `wg(8)` arguments and `wg show IF dump` parsing for the kernel WireGuard backend (pure; the real `wg` is
/// exercised in AgentRuntimeTests against wireguard-go).
@Suite struct WireGuardCommandTests {
    let k1 = PrivateKey.generate().publicKey
    let k2 = PrivateKey.generate().publicKey
    let k3 = PrivateKey.generate().publicKey

    func peer(_ key: PublicKey, port: UInt16, ips: [String]) -> WireGuardPeer {
        WireGuardPeer(publicKey: key, endpoint: EndpointAddress("127.0.0.1:\(port)")!, allowedIPs: ips)
    }

    @Test func thePrivateKeyGoesThroughStandardInputNeverTheCommandLine() {
        #expect(
            WireGuardCommand.setDevice(interface: "tailnet0", listenPort: 51820)
                == ["set", "tailnet0", "listen-port", "51820", "private-key", "/dev/stdin"])
    }

    @Test func peersFollowTheNetmapWithMinimalChanges() throws {
        let current = [peer(k1, port: 50001, ips: ["100.64.0.1/32"]), peer(k2, port: 50002, ips: ["100.64.0.2/32"])]
        let desired = [
            peer(k2, port: 50002, ips: ["100.64.0.2/32"]),
            peer(k3, port: 50003, ips: ["100.64.0.3/32", "10.1.0.0/16"]),
        ]
        let arguments = try #require(WireGuardCommand.setPeers(interface: "wg0", current: current, desired: desired))
        #expect(
            arguments == [
                "set", "wg0", "peer", k1.base64, "remove", "peer", k3.base64, "endpoint", "127.0.0.1:50003",
                "allowed-ips", "100.64.0.3/32,10.1.0.0/16",
            ])
        #expect(WireGuardCommand.setPeers(interface: "wg0", current: desired, desired: desired) == nil)
        #expect(WireGuardCommand.removePeers(interface: "wg0", []) == nil)
        #expect(
            WireGuardCommand.removePeers(interface: "wg0", [k2, k1])
                == ["set", "wg0"] + [k1, k2].sorted().flatMap { ["peer", $0.base64, "remove"] })
    }

    @Test func parsesTheDump() throws {
        let dump = """
            cHJpdmF0ZQ==\tcHVibGlj\t51820\toff
            \(k1.base64)\t(none)\t127.0.0.1:50001\t100.64.0.1/32,10.1.0.0/16\t1790000000\t1234\t5678\toff
            \(k2.base64)\t(none)\t(none)\t(none)\t0\t0\t0\t25

            """
        let parsed = try WireGuardCommand.parseDump(dump)
        #expect(parsed.listenPort == 51820)
        #expect(parsed.peers.count == 2)
        #expect(parsed.peers[0].publicKey == k1)
        #expect(parsed.peers[0].endpoint == "127.0.0.1:50001")
        #expect(parsed.peers[0].allowedIPs == ["100.64.0.1/32", "10.1.0.0/16"])
        #expect(parsed.peers[0].lastHandshake == 1_790_000_000)
        #expect(parsed.peers[0].receivedBytes == 1234 && parsed.peers[0].sentBytes == 5678)
        #expect(parsed.peers[1].endpoint == nil && parsed.peers[1].allowedIPs.isEmpty)
        #expect(parsed.peers[1].lastHandshake == nil)
    }

    @Test func rejectsWhatIsNotADump() {
        #expect(throws: WireGuardError.self) { try WireGuardCommand.parseDump("") }
        #expect(throws: WireGuardError.self) { try WireGuardCommand.parseDump("interface: wg0\n  public key: x\n") }
        #expect(throws: WireGuardError.self) {
            try WireGuardCommand.parseDump("a\tb\t1\toff\nnot-a-key\t(none)\t(none)\t(none)\t0\t0\t0\toff\n")
        }
    }
}
