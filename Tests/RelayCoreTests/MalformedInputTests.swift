import Testing

@testable import RelayCore

/// Hostile input never crashes the relay logic and always yields a counted reason.
@Suite struct MalformedInputTests {
    /// Deterministic xorshift so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    @Test func randomDatagramsOfEveryLengthAreDroppedWithAReason() {
        var h = RelayHarness()
        var random = Random(state: 0x9E37_79B9_7F4A_7C15)
        let source = EndpointAddress("10.0.0.1:1")!
        var dropped = 0
        for length in 0...400 {
            for variant in 0..<4 {
                var datagram = random.bytes(length)
                // Half of them get a plausible Geneve header so they reach deeper layers.
                if variant >= 2 && length >= 8 {
                    let header = GeneveHeader(isControl: variant == 3, protocolType: .control, vni: UInt32(length % 3))
                    datagram.replaceSubrange(0..<8, with: header.bytes)
                    if variant == 3 && length >= 12 {
                        datagram.replaceSubrange(8..<12, with: [0x50, 0x52, 0x4C, 0x59])
                    }
                }
                switch h.send(datagram, from: source) {
                case .drop: dropped += 1
                case let other: Issue.record("length \(length) variant \(variant): \(other)")
                }
            }
        }
        #expect(dropped == 401 * 4)
        #expect(h.table.counters.totalDrops == UInt64(dropped))
        #expect(h.table.sessionCount == 0)
    }

    @Test func everyPrefixAndBitFlipOfValidControlDatagramsIsHandled() throws {
        var h = RelayHarness()
        let a = h.client("a", address: "10.0.0.1:1000")
        let b = h.client("b", address: "10.0.0.2:2000")
        let vni = try h.allocate(a, peer: b)
        let samples = [
            a.allocate(peer: b.publicKey, generation: 2),
            a.bind(vni: vni, generation: 5, remote: b.publicKey),
            a.answer(BindMessage(vni: vni, generation: 5, remoteKey: b.publicKey, cookie: .zero)),
        ]
        for sample in samples {
            for length in 0..<sample.count {
                guard case .drop = h.send(Array(sample.prefix(length)), from: a.address) else {
                    Issue.record("prefix \(length) of a \(sample.count)-byte datagram was not dropped")
                    continue
                }
            }
            for index in sample.indices {
                var flipped = sample
                flipped[index] ^= 0x20
                switch h.send(flipped, from: a.address) {
                case .drop, .reply: break  // a flip in the Geneve VNI of a Bind may still be answered (unknown session)
                case let other: Issue.record("bit flip at \(index) gave \(other)")
                }
            }
        }
        // Nothing got bound by corrupted datagrams.
        #expect(h.table.sessions[vni]?.sides.0.bound == nil)
        #expect(h.table.sessions[vni]?.sides.1.bound == nil)
    }

    @Test func plaintextDecoderSurvivesEveryPrefix() {
        let key = PrivateKey.generate().publicKey
        let messages: [ControlMessage] = [
            .pong(PongMessage(transactionID: .random(), observedSource: EndpointAddress("[::1]:9")!)),
            .allocate(AllocateMessage(generation: 1, peerKey: key, certificate: [UInt8](repeating: 1, count: 40))),
            .allocateResponse(
                AllocateResponseMessage(
                    generation: 1, vni: 2, bindTimeoutMilliseconds: 3, idleTimeoutSeconds: 4,
                    endpoints: [EndpointAddress("1.2.3.4:5")!, EndpointAddress("1.2.3.4:6")!])),
            .error(RelayErrorMessage(code: .revoked, generation: 1, message: "revoked")),
        ]
        for message in messages {
            let bytes = message.encoded()
            for length in 0..<bytes.count {
                #expect(throws: DropReason.self, "\(message.type) prefix \(length)") {
                    try ControlMessage(decoding: Array(bytes.prefix(length)))
                }
            }
        }
    }
}
