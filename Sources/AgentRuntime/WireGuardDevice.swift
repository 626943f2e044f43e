import Agent
import Foundation
import NIOConcurrencyHelpers
import RelayCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#endif

/// The WireGuard interface the agent drives, unmodified, through wireguard-go's UAPI socket or `wg(8)`
/// (`WireGuardBackend`): private key, listen port, interface address and the tailnet route, and peers in step
/// with the netmap. Remembers everything it configured so `teardown()` removes exactly that.
final class WireGuardDevice: Sendable {
    let interface: String
    let uapi: UAPIClient
    let listenPort: UInt16
    let backend: WireGuardBackend
    /// The `ip` command and its leading arguments (tests add `-n NAMESPACE`).
    let ipCommand: [String]
    private let state = NIOLockedValueBox(State())

    struct State {
        var peers: [WireGuardPeer] = []
        var address: String?
        var route: String?
        var process: Process?
    }

    /// The tailnet prefix routed into the interface.
    static let tailnetPrefix = "100.64.0.0/10"

    init(
        interface: String, listenPort: UInt16, backend: WireGuardBackend = .uapi,
        uapiDirectory: String = "/var/run/wireguard", ipCommand: [String] = ["ip"]
    ) {
        self.interface = interface
        self.listenPort = listenPort
        self.backend = backend
        self.ipCommand = ipCommand
        self.uapi = UAPIClient(interface: interface, directory: uapiDirectory)
    }

    /// Starts `wireguard-go -f <interface>` as a child and waits (≤ 5 s) for its UAPI socket.
    func startWireGuardGo(command: [String] = ["wireguard-go"]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command + ["-f", interface]
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
        switch backend {
        case .uapi:
            try uapi.exchange(WireGuardUAPI.setDevice(privateKey: privateKey, listenPort: listenPort))
        case .wg:
            do {
                try Self.run(
                    ["wg"] + WireGuardCommand.setDevice(interface: interface, listenPort: listenPort),
                    input: privateKey.base64 + "\n")
            } catch {
                throw AgentError.wireGuard(
                    "\(error); does the interface exist? Create a kernel one with `ip link add \(interface) type wireguard`, or pass --wireguard-go"
                )
            }
        }
        try Self.run(ipCommand + ["address", "replace", "\(address)/32", "dev", interface])
        state.withLockedValue { $0.address = address }
        try Self.run(ipCommand + ["link", "set", interface, "up"])
        try Self.run(ipCommand + ["route", "replace", Self.tailnetPrefix, "dev", interface])
        state.withLockedValue { $0.route = Self.tailnetPrefix }
    }

    /// Moves WireGuard's peers to `desired` (only the difference is sent).
    func setPeers(_ desired: [WireGuardPeer]) throws {
        let current = state.withLockedValue { $0.peers }
        switch backend {
        case .uapi:
            if let text = WireGuardUAPI.setPeers(current: current, desired: desired) { try uapi.exchange(text) }
        case .wg:
            if let arguments = WireGuardCommand.setPeers(interface: interface, current: current, desired: desired) {
                try Self.run(["wg"] + arguments)
            }
        }
        state.withLockedValue { $0.peers = desired }
    }

    /// WireGuard's view of the device: listen port and each peer (endpoint, allowed IPs, last handshake, bytes).
    func deviceStatus() throws -> (listenPort: UInt16?, peers: [WireGuardPeerStatus]) {
        switch backend {
        case .uapi: try WireGuardUAPI.parse(try uapi.exchange(WireGuardUAPI.get))
        case .wg: try WireGuardCommand.parseDump(try Self.run(["wg"] + WireGuardCommand.dump(interface: interface)))
        }
    }

    /// WireGuard's view of each peer (last handshake, bytes).
    func peerStatus() throws -> [PublicKey: WireGuardPeerStatus] {
        Dictionary(try deviceStatus().peers.map { ($0.publicKey, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Removes the peers, route and address the agent configured, and stops wireguard-go if it started it.
    func teardown() {
        let snapshot = state.withLockedValue { state -> State in
            defer { state = State() }
            return state
        }
        let keys = snapshot.peers.map(\.publicKey)
        switch backend {
        case .uapi:
            if let text = WireGuardUAPI.removePeers(keys) { _ = try? uapi.exchange(text) }
        case .wg:
            if let arguments = WireGuardCommand.removePeers(interface: interface, keys) {
                _ = try? Self.run(["wg"] + arguments)
            }
        }
        if let route = snapshot.route { _ = try? Self.run(ipCommand + ["route", "del", route, "dev", interface]) }
        if let address = snapshot.address {
            _ = try? Self.run(ipCommand + ["address", "del", "\(address)/32", "dev", interface])
        }
        if let process = snapshot.process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs a command (`ip …`, `wg …`) with `input` on its stdin; returns its standard output, throws with its
    /// output when it fails.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaints = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AgentError.command(
                arguments.joined(separator: " "), status: process.terminationStatus,
                output: String(decoding: complaints + printed, as: UTF8.self))
        }
        return String(decoding: printed, as: UTF8.self)
    }
}
