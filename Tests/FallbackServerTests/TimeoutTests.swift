import Fallback
import FallbackClient
import FallbackServer
import PeerRelayTestSupport
import RelayClient
import RelayCore
import Testing

/// The server's three timeouts on real loopback sockets, each shortened through ``FallbackServerConfiguration``
/// (the defaults are seconds to minutes; docs/fallback.md). Every wait is bounded.
@Suite(.timeLimit(.minutes(2))) struct TimeoutTests {
    /// A client that never reads while the server has data for it is closed after the write timeout and counted; its
    /// sender stays connected and learns that it left.
    @Test func aClientThatNeverReadsIsClosedAfterTheWriteTimeout() async throws {
        let testbed = Testbed()
        let configuration = FallbackServerConfiguration(dataQueueDepth: 32, writeTimeout: .seconds(1))
        try await withFallbackServer(testbed, configuration: configuration) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let sender = testbed.identity("sender")
            let stuck = testbed.identity("stuck")
            let s = try await FallbackConnection.connect(to: endpoint, identity: sender)
            let reader = try await offload {
                let socket = try RawFallbackSocket(port: port, receiveBuffer: 4096)
                try socket.admit(stuck)
                return socket
            }
            // 1 KiB packets for the node that reads nothing, until its socket and the kernel's buffers are full and
            // the write timeout fires (at most 50,000 packets).
            let payload = [UInt8](repeating: 0x57, count: 1024)
            var sent = 0
            while sent < 50_000, metric(server, "fallback_write_timeouts_total") == 0 {
                for _ in 0..<100 { try s.send(to: stuck.publicKey, payload: payload) }
                sent += 100
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(metric(server, "fallback_write_timeouts_total") == 1, "after \(sent) packets")
            for _ in 0..<250 where server.clientCount != 1 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(server.debugListing().nodes.map(\.name) == ["sender"], "the stuck node is no longer listed")
            #expect(await metric(server, #"fallback_disconnects_total{reason="write_timeout"}"#, reaches: 1))
            let gone = await firstMatch(s.events) { event -> Bool? in
                if case .peerGone(let key, .disconnected) = event, key == stuck.publicKey { return true }
                return nil
            }
            #expect(gone == true, "the sender is told that the stuck node left")
            #expect(s.isActive, "the sender is not punished for its receiver")
            // The stuck node, reading at last, finds the connection closed after what was already buffered.
            let buffered = try await offload { try reader.readUntilClosed() }
            #expect(buffered < sent * 1100, "it cannot have received more than was sent")
            await s.close()
        }
    }

    /// The server sends KeepAlive every interval; a client that sends nothing for the idle timeout gets
    /// `Close(idleTimeout)`, while a client that pings (as FallbackConnection does at the advertised interval) stays.
    @Test func aSilentClientIsClosedAfterTheIdleTimeoutAndAPingingOneStays() async throws {
        let testbed = Testbed()
        let configuration = FallbackServerConfiguration(
            keepaliveInterval: .seconds(1), idleTimeout: .milliseconds(2500))
        try await withFallbackServer(testbed, configuration: configuration) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let pinging = try await FallbackConnection.connect(to: endpoint, identity: testbed.identity("pinging"))
            #expect(pinging.accepted.keepaliveMillis == 1000)
            let silent = testbed.identity("silent")
            // The silent node only reads: KeepAlives, then the Close, then EOF (each read bounded by 10 s).
            let frames = try await offload { () -> [Frame] in
                let socket = try RawFallbackSocket(port: port)
                try socket.admit(silent)
                var frames: [Frame] = []
                while frames.count < 100, let frame = try socket.nextFrame() { frames.append(frame) }
                return frames
            }
            let keepalives = frames.filter { $0 == .keepAlive }.count
            #expect(keepalives >= 1, "the server sent KeepAlive before giving up: \(frames)")
            guard case .close(let notice)? = frames.last else {
                Issue.record("the silent client got no Close frame: \(frames)")
                return
            }
            #expect(notice.reason == .idleTimeout)
            #expect(notice.message.contains("Ping"), "the notice says what to do: \(notice.message)")
            #expect(await metric(server, #"fallback_disconnects_total{reason="idle_timeout"}"#, reaches: 1))
            // The pinging client has now been connected longer than the idle timeout, and stays.
            try await Task.sleep(for: .seconds(1))
            #expect(pinging.isActive)
            #expect(server.debugListing().nodes.map(\.name) == ["pinging"])
            #expect(metric(server, #"fallback_disconnects_total{reason="idle_timeout"}"#) == 1)
            await pinging.close()
        }
    }

    /// A connection that never completes admission is closed: after the upgrade without a ClientHello (with
    /// `Close(handshakeTimeout)`), and before it, without the upgrade request or with half of one (plain close).
    /// A client admitted in time is not affected by either timer.
    @Test func connectionsThatNeverCompleteAdmissionAreClosedAfterTheHandshakeTimeout() async throws {
        let testbed = Testbed()
        let configuration = FallbackServerConfiguration(handshakeTimeout: .milliseconds(500))
        try await withFallbackServer(testbed, configuration: configuration) { server, port in
            let notice = try await offload { () -> CloseNotice? in
                let socket = try RawFallbackSocket(port: port)
                _ = try socket.serverHello()
                return try socket.closeNotice()
            }
            #expect(notice?.reason == .handshakeTimeout)
            #expect(await metric(server, #"fallback_disconnects_total{reason="handshake_timeout"}"#, reaches: 1))
            #expect(
                metric(server, "fallback_request_timeouts_total") == 0, "the upgraded connection is not counted twice")

            let answered = try await offload { () -> [Int] in
                let silent = try RawFallbackSocket(port: port, upgrade: false)
                let partial = try RawFallbackSocket(port: port, upgrade: false)
                try partial.sendAll(Array("GET /fallback HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
                return [try silent.readUntilClosed(), try partial.readUntilClosed()]
            }
            #expect(answered == [0, 0], "both are closed without an answer")
            #expect(await metric(server, "fallback_request_timeouts_total", reaches: 2))

            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let quick = try await FallbackConnection.connect(to: endpoint, identity: testbed.identity("quick"))
            try await Task.sleep(for: .milliseconds(1500))
            #expect(quick.isActive, "admitted in time: neither timer closes it")
            #expect(server.clientCount == 1)
            #expect(metric(server, "fallback_request_timeouts_total") == 2)
            #expect(metric(server, #"fallback_disconnects_total{reason="handshake_timeout"}"#) == 1)
            await quick.close()
        }
    }
}

/// Whether the sample `name` reaches `value` within 5 s (the client can see EOF just before the server counts the
/// close); false if it is still below or went past it.
private func metric(_ server: FallbackServer, _ name: String, reaches value: Double) async -> Bool {
    for _ in 0..<250 where metric(server, name) < value { try? await Task.sleep(for: .milliseconds(20)) }
    return metric(server, name) == value
}
