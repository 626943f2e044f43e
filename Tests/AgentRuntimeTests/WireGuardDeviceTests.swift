import Agent
import Foundation
import RelayCore
import Testing

@testable import AgentRuntime

/// The agent's WireGuard configuration against a real wireguard-go (in a network namespace the test creates),
/// through each backend: wireguard-go's UAPI socket and `wg(8)`. What one backend writes is read back through
/// the other, so both agree on the model. Kernel WireGuard is not available on this machine (no module): the `wg`
/// backend is proven on wireguard-go, which `wg` reaches through the same UAPI socket.
@Suite(.enabled(if: WireGuardLab.available, "\(WireGuardLab.requirement)"), .serialized, .timeLimit(.minutes(1)))
struct WireGuardDeviceTests {
    @Test(arguments: WireGuardBackend.allCases)
    func configuresPeersAddressAndRouteAndRemovesThemOnTeardown(backend: WireGuardBackend) throws {
        let lab = try WireGuardLab()
        defer { lab.close() }
        let port = UInt16.random(in: 20_000...29_999)
        let device = WireGuardDevice(interface: lab.interface, listenPort: port, backend: backend, ipCommand: lab.ip)
        let other = WireGuardDevice(
            interface: lab.interface, listenPort: port, backend: backend == .uapi ? .wg : .uapi, ipCommand: lab.ip)
        try device.startWireGuardGo(command: lab.wireGuardGo)
        defer { device.teardown() }

        let key = PrivateKey.generate()
        try device.configure(privateKey: key, address: "100.64.7.1")
        #expect(try device.deviceStatus().listenPort == port)
        #expect(try other.deviceStatus().listenPort == port)
        let addresses = try WireGuardLab.run(lab.ip + ["-4", "address", "show", "dev", lab.interface])
        #expect(addresses.contains("100.64.7.1/32"))
        #expect(try WireGuardLab.run(lab.ip + ["route", "show", "100.64.0.0/10"]).contains("dev \(lab.interface)"))
        #expect(try WireGuardLab.run(["wg", "show", lab.interface, "public-key"]).contains(key.publicKey.base64))

        let alice = PrivateKey.generate().publicKey
        let bob = PrivateKey.generate().publicKey
        try device.setPeers([
            WireGuardPeer(
                publicKey: alice, endpoint: EndpointAddress("127.0.0.1:40001")!, allowedIPs: ["100.64.7.2/32"]),
            WireGuardPeer(
                publicKey: bob, endpoint: EndpointAddress("127.0.0.1:40002")!,
                allowedIPs: ["100.64.7.3/32", "100.64.9.0/24"]),
        ])
        for reader in [device, other] {
            let peers = try reader.peerStatus()
            #expect(peers.count == 2)
            #expect(peers[alice]?.endpoint == "127.0.0.1:40001")
            #expect(peers[alice]?.allowedIPs == ["100.64.7.2/32"])
            #expect(Set(peers[bob]?.allowedIPs ?? []) == ["100.64.7.3/32", "100.64.9.0/24"])
            #expect(peers[bob]?.lastHandshake == nil)
        }

        // The netmap changes: bob leaves, alice's loopback socket and address change. Only the difference is sent.
        try device.setPeers([
            WireGuardPeer(
                publicKey: alice, endpoint: EndpointAddress("127.0.0.1:40011")!, allowedIPs: ["100.64.7.4/32"])
        ])
        let after = try other.peerStatus()
        #expect(after.keys.sorted() == [alice])
        #expect(after[alice]?.endpoint == "127.0.0.1:40011")
        #expect(after[alice]?.allowedIPs == ["100.64.7.4/32"])

        // SIGTERM's cleanup: peers, address and route go, and the wireguard-go the device started stops.
        try device.setPeers([
            WireGuardPeer(publicKey: bob, endpoint: EndpointAddress("127.0.0.1:40002")!, allowedIPs: ["100.64.7.3/32"])
        ])
        let peersBefore = try other.peerStatus().count
        #expect(peersBefore == 1)
        device.teardown()
        #expect(!FileManager.default.fileExists(atPath: lab.socketPath), "wireguard-go stopped")
        #expect(try !WireGuardLab.run(lab.ip + ["-4", "address", "show"]).contains("100.64.7.1"))
    }

    @Test func teardownRemovesOnlyWhatTheAgentConfigured() throws {
        let lab = try WireGuardLab()
        defer { lab.close() }
        let owner = WireGuardDevice(interface: lab.interface, listenPort: 0, backend: .wg, ipCommand: lab.ip)
        try owner.startWireGuardGo(command: lab.wireGuardGo)
        defer { owner.teardown() }
        // Someone else's peer on the interface the agent drives (without having started it).
        let foreign = PrivateKey.generate().publicKey
        try WireGuardLab.run(["wg", "set", lab.interface, "peer", foreign.base64, "allowed-ips", "10.9.0.1/32"])
        let agent = WireGuardDevice(interface: lab.interface, listenPort: 0, backend: .wg, ipCommand: lab.ip)
        try agent.configure(privateKey: .generate(), address: "100.64.7.9")
        let mine = PrivateKey.generate().publicKey
        try agent.setPeers([
            WireGuardPeer(publicKey: mine, endpoint: EndpointAddress("127.0.0.1:40003")!, allowedIPs: ["100.64.7.9/32"])
        ])
        #expect(try agent.peerStatus().count == 2)
        agent.teardown()
        #expect(try owner.peerStatus().keys.sorted() == [foreign], "only the agent's peer is gone")
        #expect(try !WireGuardLab.run(lab.ip + ["-4", "address", "show", "dev", lab.interface]).contains("100.64.7.9"))
        #expect(try !WireGuardLab.run(lab.ip + ["route", "show"]).contains("100.64.0.0/10"))
        #expect(
            FileManager.default.fileExists(atPath: lab.socketPath), "a wireguard-go the agent did not start runs on")
    }

    @Test func wireGuardGoRefusalsAndAMissingInterfaceAreClearErrors() throws {
        let lab = try WireGuardLab()
        defer { lab.close() }
        let device = WireGuardDevice(interface: lab.interface, listenPort: 0, backend: .uapi, ipCommand: lab.ip)
        // No wireguard-go yet: both backends say what is missing.
        #expect {
            try device.peerStatus()
        } throws: { error in
            "\(error)".contains("is wireguard-go running for this interface?")
        }
        let wg = WireGuardDevice(interface: lab.interface, listenPort: 0, backend: .wg, ipCommand: lab.ip)
        #expect {
            try wg.configure(privateKey: .generate(), address: "100.64.7.1")
        } throws: { error in
            "\(error)".contains("ip link add \(lab.interface) type wireguard")
        }
        try device.startWireGuardGo(command: lab.wireGuardGo)
        defer { device.teardown() }
        // wireguard-go refuses a peer key that is not 32 bytes of hex: errno, not a silent success.
        #expect {
            try device.uapi.exchange("set=1\npublic_key=00ff\n\n")
        } throws: { error in
            guard case .failed(let errno, _)? = error as? WireGuardError else { return false }
            return errno != 0
        }
    }
}
