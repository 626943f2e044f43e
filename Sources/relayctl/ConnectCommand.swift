import ArgumentParser
import NIOCore
import RelayClient
import RelayCore
import RelayNIO
import UnixSignals

/// `relayctl connect`: a local UDP port that leads to a peer through a relay session, so an unmodified WireGuard
/// (peer endpoint = that port) talks to its peer through the relay.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Forward a local UDP port to a peer through a relay session (e.g. for WireGuard).",
        discussion: """
            Allocates and binds the session with the peer, waits until the peer answers an end-to-end ping (the
            peer runs `relayctl connect` too), prints "connected", then forwards: datagrams sent to --listen go to
            the peer, the peer's datagrams go back to the local sender (or --local-peer). Runs until SIGINT/SIGTERM
            (exit 0), or until the relay ends the session (e.g. a certificate was revoked): then it prints the
            relay's reason and exits 3.
            Point WireGuard's peer endpoint at the --listen address.
            A debugging tool for one session: nodes use tailnet-agent, which needs no bridge (docs/relayctl.md).
            """)

    @Option(help: "The relay's UDP endpoint, e.g. 10.77.1.2:40000.")
    var relay: String

    @OptionGroup var relayKeyOptions: RelayKeyOptions

    @Option(help: "This node's identity path prefix (PREFIX.key and PREFIX.crt).")
    var identity: String

    @Option(help: "The peer's X25519 public key: base64, or a file holding it (PREFIX.pub).")
    var peerKey: String

    @Option(help: "Local UDP address to listen on, e.g. 127.0.0.1:51000.")
    var listen: String

    @Option(help: "Local program's address to deliver the peer's datagrams to (default: the first local sender).")
    var localPeer: String?

    @Option(help: "Local address of the relay-facing socket.")
    var localHost = "0.0.0.0"

    @Option(help: "How long to wait for the peer to answer before giving up, e.g. 60s.")
    var wait = DurationArgument(argument: "60s")!

    func run() async throws {
        await reportingErrors {
            let relayKey = try relayKeyOptions.load()
            let peer = try loadPeerKey()
            guard let listenAddress = EndpointAddress(listen) else {
                throw CLIError(
                    "--listen \"\(listen)\" is not a numeric address with a port, e.g. 127.0.0.1:51000", exitCode: 2)
            }
            let local = try localPeer.map { text throws(CLIError) -> SocketAddress in
                guard let address = EndpointAddress(text) else {
                    throw CLIError("--local-peer \"\(text)\" is not a numeric address with a port", exitCode: 2)
                }
                return address.socketAddress
            }
            let endpoint: RelayEndpoint
            let me: RelayIdentity
            do {
                endpoint = try RelayEndpoint(endpoint: relay, publicKey: relayKey)
                me = try RelayIdentity(keyFile: identity + ".key", certificateFile: identity + ".crt")
            } catch {
                throw CLIError("\(error)", exitCode: 2)
            }
            let configuration = RelayClientConfiguration(localHost: localHost, timeout: .seconds(1), attempts: 3)
            try await RelayClient.withClient(identity: me, relay: endpoint, configuration: configuration) { client in
                let session = try await connect(client, peer: peer)
                let forwarder = try await LocalUDPForwarder(
                    session: session, listenHost: listenAddress.hostText, listenPort: Int(listenAddress.port),
                    localPeer: local)
                printNow(
                    "connected: VNI \(session.vni) through relay \(relay); forwarding \(listen) <-> peer \(peer.shortDescription)"
                )
                try await runUntilSignal(forwarder)
                let counters = forwarder.counters
                printNow("stopped: \(counters.toPeer) datagrams to the peer, \(counters.fromPeer) from the peer")
                if let ended = session.endedBy {
                    // The relay ended the session (e.g. this node's certificate was revoked): say why, fail.
                    throw CLIError("the relay ended the session: \(ended)", exitCode: 3)
                }
            }
        }
    }

    /// Allocates and binds, then waits for the peer's first pong; allocates again when the session may have
    /// expired (the relay drops sessions not fully bound within its bind timeout).
    private func connect(_ client: RelayClient, peer: PublicKey) async throws -> RelaySession {
        let deadline = ContinuousClock.now + wait.duration
        var session = try await client.bind(try await client.allocate(peer: peer))
        var boundAt = ContinuousClock.now
        printNow("allocated and bound VNI \(session.vni); waiting for the peer")
        while ContinuousClock.now < deadline {
            if (try? await session.ping()) != nil { return session }
            if ContinuousClock.now - boundAt > session.allocation.bindTimeout - .seconds(2) {
                session.close()
                session = try await client.bind(try await client.allocate(peer: peer))
                boundAt = ContinuousClock.now
            }
        }
        throw CLIError(
            "the peer \(peer.base64) did not answer through the relay within \(wait); start `relayctl connect` on "
                + "the peer with this node's key as --peer-key")
    }

    private func loadPeerKey() throws(CLIError) -> PublicKey {
        if let key = PublicKey(base64: peerKey.trimmingWhitespace()) { return key }
        guard FileSystem.exists(peerKey) else {
            throw CLIError(
                "--peer-key \"\(peerKey)\" is neither a base64 X25519 public key nor an existing file", exitCode: 2)
        }
        do { return try KeyFile.readPublicKey(at: peerKey) } catch {
            throw CLIError("--peer-key: \(error)", exitCode: 2)
        }
    }
}

/// Runs the forwarder until SIGINT or SIGTERM.
func runUntilSignal(_ forwarder: LocalUDPForwarder) async throws {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await forwarder.run() }
        group.addTask {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) { return }
        }
        await group.next()
        group.cancelAll()
    }
}

extension EndpointAddress {
    /// The address alone, for binding: "127.0.0.1" or "::1".
    var hostText: String {
        let text = description
        guard let colon = text.lastIndex(of: ":") else { return text }
        let host = text[..<colon]
        return host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : String(host)
    }
}
