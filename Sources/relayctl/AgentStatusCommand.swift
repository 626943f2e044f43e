import Agent
import ArgumentParser

/// `relayctl status`: the local tailnet-agent's peers, the path each uses, and why no better one is in use.
struct AgentStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the local tailnet-agent's peers: path in use, RTT, traffic, and why no better path is used.")

    @Option(help: "tailnet-agent's local API socket.")
    var socket = AgentSocket.defaultPath

    @Flag(help: "Print the raw JSON.")
    var json = false

    func run() async throws {
        await reportingErrors {
            let response = try AgentSocket.send(.status, path: socket)
            guard case .status(let status) = response else { throw CLIError(Self.describe(response)) }
            if json {
                printNow(try jsonText(status))
                return
            }
            print(Self.render(status))
        }
    }

    static func describe(_ response: LocalAPIResponse) -> String {
        if case .failure(let message) = response { return message }
        return "unexpected answer from tailnet-agent"
    }

    static func render(_ status: AgentStatus) -> String {
        var table = TextTable(header: ["PEER", "ADDRESS", "PATH", "RTT", "SENT", "RECEIVED", "HANDSHAKE"])
        for peer in status.peers {
            let rtt = peer.path.rttMilliseconds.map { "\(Int($0.rounded())) ms" } ?? "-"
            table.rows.append([
                peer.name, peer.address, peer.path.active ?? "none", rtt, bytes(peer.bytesSent),
                bytes(peer.bytesReceived), TextTable.time(peer.lastHandshake),
            ])
        }
        var lines = [
            "node \(status.name) \(status.address); endpoints \(TextTable.list(status.endpoints)); fallback relay "
                + (status.fallbackConnected ? "connected" : "not connected"),
            table.render(empty: "no peers in the netmap"),
        ]
        for peer in status.peers where !peer.path.whyNotBetter.isEmpty {
            lines.append("\(peer.name): why not a better path:")
            lines += peer.path.whyNotBetter.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    static func bytes(_ byKind: [String: UInt64]) -> String {
        let total = byKind.values.reduce(0, +)
        guard total > 0 else { return "0" }
        return total >= 1 << 20 ? "\(total >> 20) MiB" : total >= 1 << 10 ? "\(total >> 10) KiB" : "\(total) B"
    }
}

/// `relayctl ping PEER`: which path answers the local tailnet-agent's ping, and how fast.
struct AgentPingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Ping a peer through the local tailnet-agent on every path; print the first answer.")

    @Argument(help: "Peer name, tailnet address or control key.")
    var peer: String

    @Option(help: "tailnet-agent's local API socket.")
    var socket = AgentSocket.defaultPath

    @Option(help: "How long to wait, in milliseconds.")
    var timeoutMs = 3000

    func run() async throws {
        await reportingErrors {
            let response = try AgentSocket.send(.ping(peer: peer, timeoutMilliseconds: timeoutMs), path: socket)
            guard case .pong(let pong) = response else { throw CLIError(AgentStatusCommand.describe(response)) }
            printNow("pong from \(pong.peer) via \(pong.path) in \(pong.rttMilliseconds) ms")
        }
    }
}
