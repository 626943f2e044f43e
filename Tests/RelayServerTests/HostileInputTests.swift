import NIOCore
import RelayCore
import Testing

@testable import RelayServer

@Suite struct HostileInputTests {
    @Test func repliesToUnauthenticatedSendersAreNeverLarger() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        // Many advertised endpoints make the AllocateResponse want to be large.
        settings.advertisedEndpoints = (1...16).map { "192.0.2.\($0):40000" }
        try await TestRelay.with(tailnet, settings: settings) { relay in
            let stranger = try TestTailnet(id: "stranger.example")
            defer { stranger.remove() }
            let intruder = try await TestClient(
                node: try stranger.node("intruder"), relay: relay.address, relayPublicKey: relay.relayPublicKey)
            let member = try await TestClient(
                node: try tailnet.node("member"), relay: relay.address, relayPublicKey: relay.relayPublicKey)
            defer {
                Task {
                    await intruder.close(); await member.close()
                }
            }
            let peer = PrivateKey.generate().publicKey

            // An unknown-CA Allocate with a tiny (1-byte) certificate: the Error must fit in the request.
            for certificateSize in [1, 8, 64] {
                let request = intruder.controlDatagram(
                    .allocate(
                        AllocateMessage(
                            generation: 3, peerKey: peer, certificate: [UInt8](repeating: 7, count: certificateSize))),
                    vni: 0)
                try await intruder.socket.send(request, to: relay.address)
                // An Error is due (its text is truncated to fit): no reply at all would hide a dropped one.
                let reply = try #require(
                    await intruder.socket.receive(timeout: .seconds(1)),
                    "no Error for an unknown-CA Allocate with a \(certificateSize)-byte certificate")
                #expect(reply.bytes.count <= request.count, "\(reply.bytes.count) > \(request.count)")
                guard case .error = try intruder.open(reply.bytes) else {
                    Issue.record("an unknown-CA Allocate got something other than an Error")
                    continue
                }
            }
            // A member's unpadded Allocate: the response drops endpoints rather than exceed the request.
            let request = member.controlDatagram(
                .allocate(AllocateMessage(generation: 1, peerKey: peer, certificate: member.node.certificate)), vni: 0)
            try await member.socket.send(request, to: relay.address)
            let reply = try #require(await member.socket.receive(timeout: .seconds(2)))
            #expect(reply.bytes.count <= request.count)
            guard case .allocated(let response) = try member.open(reply.bytes) else {
                Issue.record("no AllocateResponse")
                return
            }
            #expect(response.endpoints.count < 16)
            // Padded, the full list fits.
            let padded = try await member.allocate(peer: peer, padding: 400)
            guard case .allocated(let full) = padded else {
                Issue.record("no AllocateResponse")
                return
            }
            #expect(full.endpoints.count == 16)
            // A Bind from someone who is not in the session: at most an Error, never larger than the Bind.
            let bind = intruder.controlDatagram(
                .bind(BindMessage(vni: response.vni, generation: 1, remoteKey: peer)), vni: response.vni)
            try await intruder.socket.send(bind, to: relay.address)
            let answer = try #require(
                await intruder.socket.receive(timeout: .seconds(1)), "no Error for a non-member's Bind")
            #expect(answer.bytes.count <= bind.count)
            guard case .error(let error) = try intruder.open(answer.bytes) else {
                Issue.record("a non-member's Bind got something other than an Error")
                return
            }
            #expect(error.code == .notSessionMember)
        }
    }

    /// Structured hostile datagrams: valid-looking headers with broken bodies.
    static func structuredDatagrams(relayKey: PublicKey) -> [[UInt8]] {
        let control = GeneveHeader(isControl: true, protocolType: .control, vni: 0).bytes
        let data = GeneveHeader(isControl: false, protocolType: .wireGuard, vni: 77).bytes
        let stranger = PrivateKey.generate()
        let shared = stranger.sharedKey(with: relayKey)!
        var out: [[UInt8]] = []
        out.append([0x00, 0x80, 0x7A, 0x11, 0, 0, 0])  // 7 bytes
        out.append([0x01, 0x80, 0x7A, 0x11, 0, 0, 0, 0])  // bad version
        out.append([0x00, 0x40, 0x7A, 0x11, 0, 0, 0, 0])  // C bit
        out.append([0x00, 0x00, 0x12, 0x34, 0, 0, 1, 0])  // unknown protocol
        out.append([0x00, 0x80, 0x7A, 0x12, 0, 0, 1, 0] + [1, 2, 3])  // control bit on WireGuard
        out.append(control + Array("PRLY".utf8))  // truncated envelope
        out.append(control + Array("XXXX".utf8) + [UInt8](repeating: 0, count: 100))  // bad magic
        out.append(data + [1, 2, 3])  // data for an unknown session
        // Sealed with the wrong key: does not open.
        let wrong = PrivateKey.generate().sharedKey(with: PrivateKey.generate().publicKey)!
        out.append(
            ControlMessage.bind(BindMessage(vni: 0, generation: 1, remoteKey: stranger.publicKey))
                .sealedDatagram(
                    header: GeneveHeader(isControl: true, protocolType: .control, vni: 0), sender: stranger.publicKey,
                    key: wrong))
        // Opens, but a message type the relay does not accept, and an unknown type byte.
        out.append(
            ControlMessage.challenge(BindMessage(vni: 5, generation: 1, remoteKey: stranger.publicKey))
                .sealedDatagram(
                    header: GeneveHeader(isControl: true, protocolType: .control, vni: 5), sender: stranger.publicKey,
                    key: shared))
        out.append(control + SealedEnvelope.seal([0x99, 0, 1, 2], sender: stranger.publicKey, key: shared))
        out.append(control + SealedEnvelope.seal([0x03, 0], sender: stranger.publicKey, key: shared))  // empty body
        return out
    }

    @Test func malformedDatagramsAreCountedAndNeverCrashTheRelay() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet) { relay in
            let fuzzer = try await TestSocket.open()
            defer { Task { await fuzzer.close() } }
            var generator = SplitMix64(seed: 0x5EED)
            var sent = 0
            for length in 0...200 {
                for variant in 0..<3 {
                    var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                    // Variants 1 and 2 keep a plausible Geneve header so the parser gets past byte 8.
                    if variant > 0 && length >= 8 {
                        bytes[0] = 0
                        bytes[1] = variant == 1 ? 0x80 : 0
                        bytes[2] = 0x7A
                        bytes[3] = variant == 1 ? 0x11 : 0x12
                        bytes[7] = 0
                    }
                    try await fuzzer.send(bytes, to: relay.address)
                    sent += 1
                }
            }
            for datagram in Self.structuredDatagrams(relayKey: relay.relayPublicKey) {
                try await fuzzer.send(datagram, to: relay.address)
                sent += 1
            }
            // Everything is received, counted as a drop, and nothing is answered.
            var metrics = PrometheusText("")
            for _ in 0..<50 {
                metrics = try await relay.scrape()
                if metrics.sum("relay_received_packets_total") >= Double(sent) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(metrics.sum("relay_received_packets_total") == Double(sent))
            #expect(metrics.sum("relay_dropped_packets_total") == Double(sent))
            #expect(metrics.value("relay_dropped_packets_total", #"reason="too_short""#) >= 8)
            #expect(metrics.value("relay_dropped_packets_total", #"reason="undecryptable""#) >= 1)
            #expect(fuzzer.drain().isEmpty, "no reply to malformed input")
            // The relay still works.
            let clients = try await relay.clients("alice", "bob")
            defer { Task { for client in clients { await client.close() } } }
            let vni = try await ForwardingTests.establish(clients[0], clients[1])
            #expect(try await ForwardingTests.deliver([1, 2, 3], vni: vni, from: clients[0], to: clients[1]) != nil)
        }
    }
}

/// A small deterministic generator so fuzz inputs are reproducible.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
