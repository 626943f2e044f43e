import Agent
import RelayCore
import Testing

@Suite struct WireGuardUAPITests {
    let k1 = PrivateKey.generate().publicKey
    let k2 = PrivateKey.generate().publicKey
    let k3 = PrivateKey.generate().publicKey

    func peer(_ key: PublicKey, port: UInt16, ip: String) -> WireGuardPeer {
        WireGuardPeer(publicKey: key, endpoint: EndpointAddress("127.0.0.1:\(port)")!, allowedIPs: ["\(ip)/32"])
    }

    @Test func peersFollowTheNetmapWithMinimalChanges() throws {
        let current = [peer(k1, port: 50001, ip: "100.64.0.1"), peer(k2, port: 50002, ip: "100.64.0.2")]
        let desired = [peer(k2, port: 50002, ip: "100.64.0.2"), peer(k3, port: 50003, ip: "100.64.0.3")]
        let text = try #require(WireGuardUAPI.setPeers(current: current, desired: desired))
        #expect(text.hasPrefix("set=1\n"))
        #expect(text.hasSuffix("\n\n"))
        #expect(text.contains("public_key=\(Hex.encode(k1.bytes))\nremove=true\n"))
        #expect(
            text.contains(
                "public_key=\(Hex.encode(k3.bytes))\nendpoint=127.0.0.1:50003\nreplace_allowed_ips=true\nallowed_ip=100.64.0.3/32\n"
            ))
        #expect(!text.contains(Hex.encode(k2.bytes)), "an unchanged peer is not touched")
        #expect(WireGuardUAPI.setPeers(current: desired, desired: desired) == nil)
        #expect(WireGuardUAPI.removePeers([]) == nil)
        #expect(WireGuardUAPI.removePeers([k1])?.contains("remove=true") == true)
    }

    @Test func parsesGetRepliesAndErrors() throws {
        let reply = """
            private_key=\(Hex.encode(PrivateKey.generate().bytes))
            listen_port=51820
            public_key=\(Hex.encode(k1.bytes))
            endpoint=127.0.0.1:50001
            last_handshake_time_sec=1767225600
            last_handshake_time_nsec=5
            tx_bytes=1200
            rx_bytes=3400
            allowed_ip=100.64.0.1/32
            public_key=\(Hex.encode(k2.bytes))
            last_handshake_time_sec=0
            errno=0

            """
        let parsed = try WireGuardUAPI.parse(reply)
        #expect(parsed.listenPort == 51820)
        #expect(parsed.peers.count == 2)
        #expect(parsed.peers[0].publicKey == k1)
        #expect(parsed.peers[0].endpoint == "127.0.0.1:50001")
        #expect(parsed.peers[0].lastHandshake == 1_767_225_600)
        #expect(parsed.peers[0].sentBytes == 1200 && parsed.peers[0].receivedBytes == 3400)
        #expect(parsed.peers[0].allowedIPs == ["100.64.0.1/32"])
        #expect(parsed.peers[1].lastHandshake == nil)
        #expect(throws: WireGuardError.failed(errno: 22, request: "UAPI")) { try WireGuardUAPI.parse("errno=22\n\n") }
        #expect(throws: WireGuardError.self) { try WireGuardUAPI.parse("public_key=zz\n") }
    }
}
