import Agent
import RelayCore
import Testing

@Suite struct AgentWireTests {
    let a = PrivateKey.generate()
    let b = PrivateKey.generate()

    @Test func classifiesEveryKindOnTheSharedPort() throws {
        var codec = ProbeCodec(privateKey: a)
        let wireGuard: [UInt8] = [4, 0, 0, 0] + [UInt8](repeating: 7, count: 60)
        let handshake: [UInt8] = [1, 0, 0, 0] + [UInt8](repeating: 7, count: 144)
        let stun = STUNMessage.bindingRequest(.random()).encoded()
        let probe = try codec.seal(.ping(PingMessage(transactionID: .random())), to: b.publicKey)
        let relayed = GeneveHeader(isControl: false, protocolType: .wireGuard, vni: 77).bytes + wireGuard
        let relayProbe = try codec.seal(.ping(PingMessage(transactionID: .random())), to: b.publicKey, vni: 77)
        let control = ControlMessage.bind(BindMessage(vni: 5, generation: 1, remoteKey: b.publicKey))
            .sealedDatagram(
                header: GeneveHeader(isControl: true, protocolType: .control, vni: 5), sender: b.publicKey,
                key: a.sharedKey(with: b.publicKey)!)
        func kind(_ bytes: [UInt8]) -> AgentDatagram { bytes.withUnsafeBytes { AgentDatagram.classify($0) } }
        #expect(kind(wireGuard) == .wireGuard)
        #expect(kind(handshake) == .wireGuard)
        #expect(kind(stun) == .stun)
        #expect(kind(probe) == .probe(vni: 0, sender: a.publicKey))
        #expect(kind(relayProbe) == .probe(vni: 77, sender: a.publicKey))
        #expect(kind(relayed) == .relayedWireGuard(vni: 77))
        #expect(kind(control) == .relayControl(vni: 5, sender: b.publicKey))
        #expect(kind([4, 0, 0, 0, 1]) == .invalid(.tooShort))
        #expect(kind([9, 9, 9, 9, 9, 9, 9, 9, 9]) == .invalid(.badGeneveHeader))
        #expect(kind([0, 0, 0x12, 0x34, 0, 0, 0, 0]) == .invalid(.unknownProtocol))
        #expect(kind([]) == .invalid(.tooShort))
    }

    @Test func probesOpenOnlyForThePeerAndOnlyAsProbes() throws {
        var alice = ProbeCodec(privateKey: a)
        var bob = ProbeCodec(privateKey: b)
        let transaction = TransactionID.random()
        let ping = try alice.seal(.ping(PingMessage(transactionID: transaction, paddingLength: 10)), to: b.publicKey)
        let opened = try ping.withUnsafeBytes { try bob.open($0, expectedSender: a.publicKey) }
        #expect(opened.sender == a.publicKey)
        #expect(opened.message == .ping(PingMessage(transactionID: transaction, paddingLength: 10)))

        // A third party cannot open it; a wrong expected sender is refused before any cryptography.
        var eve = ProbeCodec(privateKey: PrivateKey.generate())
        #expect(throws: ProbeError.dropped(.undecryptable)) { try ping.withUnsafeBytes { try eve.open($0) } }
        #expect(throws: ProbeError.unexpectedSender(a.publicKey)) {
            try ping.withUnsafeBytes { try bob.open($0, expectedSender: b.publicKey) }
        }
        // Any flipped byte after the header makes it fail.
        for index in stride(from: GeneveHeader.size, to: ping.count, by: 7) {
            var tampered = ping
            tampered[index] ^= 0x01
            #expect(throws: ProbeError.self) { try tampered.withUnsafeBytes { try bob.open($0) } }
        }
        // Relay control messages are not probes, in either direction.
        let allocate = ControlMessage.error(RelayErrorMessage(code: .revoked, generation: 1))
        #expect(throws: ProbeError.notAProbe(.error)) { try alice.seal(allocate, to: b.publicKey) }
        let sneaky = allocate.sealedDatagram(
            header: GeneveHeader(isControl: false, protocolType: .control, vni: 0), sender: a.publicKey,
            key: a.sharedKey(with: b.publicKey)!)
        #expect(throws: ProbeError.notAProbe(.error)) { try sneaky.withUnsafeBytes { try bob.open($0) } }
    }
}
