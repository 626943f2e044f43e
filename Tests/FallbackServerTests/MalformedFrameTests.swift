import Fallback
import FallbackClient
import FallbackServer
import RelayClient
import RelayCore
import Testing

/// Malformed and oversized frames close only the connection that sent them, are counted, and leave every other
/// client working.
@Suite(.timeLimit(.minutes(3))) struct MalformedFrameTests {
    /// After admission: every payload length a SendPacket cannot have (0…31), lengths over the cap, unknown types,
    /// and frames that travel the wrong way.
    static var afterAdmission: [[UInt8]] {
        var cases: [[UInt8]] = (0..<32).map { length in
            FrameHeader(type: FrameType.sendPacket.rawValue, length: length).bytes
                + [UInt8](repeating: 7, count: length)
        }
        for length in [FrameLimits.maximumPayload + 1, 1 << 20, Int(UInt32.max)] {
            cases.append(FrameHeader(type: FrameType.sendPacket.rawValue, length: length).bytes)
        }
        for type: UInt8 in [0x00, 0x0F, 0x42, 0xFF] { cases.append(FrameHeader(type: type, length: 0).bytes) }
        cases.append(Frame.receive(from: PrivateKey.generate().publicKey, payload: [1], control: false).encoded())
        cases.append(Frame.keepAlive.encoded())
        cases.append(FrameHeader(type: FrameType.ping.rawValue, length: 7).bytes + [UInt8](repeating: 0, count: 7))
        return cases
    }

    /// Runs one case; a failure names the case and how long it ran (a stalled socket says which case stalled).
    static func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let start = ContinuousClock.now
        do {
            return try body()
        } catch {
            throw RawFallbackSocket.Failure.unexpected("\(name), after \(ContinuousClock.now - start): \(error)")
        }
    }

    @Test func everyMalformedFrameClosesOnlyItsConnectionAndIsCounted() async throws {
        let testbed = Testbed()
        try await withFallbackServer(testbed) { server, port in
            let endpoint = FallbackEndpoint(host: "127.0.0.1", port: port, useTLS: false)
            let alice = testbed.identity("alice")
            let bob = testbed.identity("bob")
            let a = try await FallbackConnection.connect(to: endpoint, identity: alice)
            let b = try await FallbackConnection.connect(to: endpoint, identity: bob)
            let cases = Self.afterAdmission
            let offender = testbed.identity("offender")
            let notices = try await offload {
                try cases.enumerated().map { index, bytes -> CloseNotice? in
                    try Self.step("after admission, case \(index)") {
                        let socket = try RawFallbackSocket(port: port)
                        try socket.admit(offender)
                        try socket.sendAll(bytes)
                        return try socket.closeNotice()
                    }
                }
            }
            for (index, notice) in notices.enumerated() {
                #expect(notice?.reason == .protocolError, "case \(index): \(cases[index].prefix(8))")
            }
            // Before admission: a ClientHello of every length from 0 to 130 bytes of garbage.
            let helloNotices = try await offload {
                try (0...130).map { length -> CloseNotice? in
                    try Self.step("hello of \(length) bytes") {
                        let socket = try RawFallbackSocket(port: port)
                        _ = try socket.serverHello()
                        try socket.sendAll(
                            FrameHeader(type: FrameType.clientHello.rawValue, length: length).bytes
                                + (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                        return try socket.closeNotice()
                    }
                }
            }
            for (length, notice) in helloNotices.enumerated() {
                let expected: CloseReason = length < 106 ? .protocolError : .authenticationFailed
                #expect(notice?.reason == expected, "hello of \(length) bytes")
            }
            var total = 0.0
            for reason in ["oversized", "unknown_type", "wrong_direction", "bad_length", "unexpected", "bad_field"] {
                total += metric(server, #"fallback_protocol_errors_total{reason="\#(reason)"}"#)
            }
            #expect(total == Double(cases.count + 106))
            #expect(metric(server, #"fallback_admissions_total{result="authentication_failed"}"#) == 25)
            // The well-behaved pair was never disturbed.
            try a.send(to: bob.publicKey, payload: [9, 9])
            #expect(await collectPackets(b.events, count: 1).first?.payload == [9, 9])
            #expect(a.isActive && b.isActive)
            await a.close()
            await b.close()
        }
    }
}
