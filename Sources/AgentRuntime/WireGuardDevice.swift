import Agent
import Foundation
import NIOConcurrencyHelpers
import RelayCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#endif

/// The WireGuard interface the agent drives, unmodified, through wireguard-go's UAPI socket: private key, listen
/// port, interface address and the tailnet route, and peers in step with the netmap. Remembers everything it
/// configured so `teardown()` removes exactly that.
final class WireGuardDevice: Sendable {
    let interface: String
    let uapi: UAPIClient
    let listenPort: UInt16
    private let state = NIOLockedValueBox(State())

    struct State {
        var peers: [WireGuardPeer] = []
        var address: String?
        var route: String?
        var process: Process?
    }

    /// The tailnet prefix routed into the interface.
    static let tailnetPrefix = "100.64.0.0/10"

    init(interface: String, listenPort: UInt16, uapiDirectory: String = "/var/run/wireguard") {
        self.interface = interface
        self.listenPort = listenPort
        self.uapi = UAPIClient(interface: interface, directory: uapiDirectory)
    }

    /// Starts `wireguard-go -f <interface>` as a child and waits (≤ 5 s) for its UAPI socket.
    func startWireGuardGo(binary: String = "wireguard-go") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [binary, "-f", interface]
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "error"
        process.environment = environment
        try process.run()
        state.withLockedValue { $0.process = process }
        for _ in 0..<50 {
            if FileManager.default.fileExists(atPath: uapi.path) { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw AgentError.wireGuard(
            "wireguard-go did not open \(uapi.path) within 5 s (exit status \(process.isRunning ? "running" : "\(process.terminationStatus)"))"
        )
    }

    /// Sets the private key and listen port, the interface address (/32) and the tailnet route, and brings it up.
    func configure(privateKey: PrivateKey, address: String) throws {
        try uapi.exchange(WireGuardUAPI.setDevice(privateKey: privateKey, listenPort: listenPort))
        try Self.run(["ip", "address", "replace", "\(address)/32", "dev", interface])
        state.withLockedValue { $0.address = address }
        try Self.run(["ip", "link", "set", interface, "up"])
        try Self.run(["ip", "route", "replace", Self.tailnetPrefix, "dev", interface])
        state.withLockedValue { $0.route = Self.tailnetPrefix }
    }

    /// Moves WireGuard's peers to `desired` (only the difference is sent).
    func setPeers(_ desired: [WireGuardPeer]) throws {
        let current = state.withLockedValue { $0.peers }
        if let text = WireGuardUAPI.setPeers(current: current, desired: desired) {
            try uapi.exchange(text)
        }
        state.withLockedValue { $0.peers = desired }
    }

    /// wireguard-go's view of each peer (last handshake, bytes).
    func peerStatus() throws -> [PublicKey: WireGuardPeerStatus] {
        let parsed = try WireGuardUAPI.parse(try uapi.exchange(WireGuardUAPI.get))
        return Dictionary(parsed.peers.map { ($0.publicKey, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Removes the peers, route and address the agent configured, and stops wireguard-go if it started it.
    func teardown() {
        let snapshot = state.withLockedValue { state -> State in
            defer { state = State() }
            return state
        }
        if let text = WireGuardUAPI.removePeers(snapshot.peers.map(\.publicKey)) { try? uapi.exchange(text) }
        if let route = snapshot.route { try? Self.run(["ip", "route", "del", route, "dev", interface]) }
        if let address = snapshot.address {
            try? Self.run(["ip", "address", "del", "\(address)/32", "dev", interface])
        }
        if let process = snapshot.process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs a command (`ip …`) and throws with its output when it fails.
    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AgentError.command(
                arguments.joined(separator: " "), status: process.terminationStatus,
                output: String(decoding: output, as: UTF8.self))
        }
    }
}
