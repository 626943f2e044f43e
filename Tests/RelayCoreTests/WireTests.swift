import Testing

@testable import RelayCore

@Suite struct WireTests {
    @Test func endpointAddressParsesAndPrints() throws {
        let v4 = try #require(EndpointAddress("192.0.2.10:7000"))
        #expect(v4.isIPv4)
        #expect(v4.ipv4 == 0xC000_020A)
        #expect(v4.port == 7000)
        #expect(v4.description == "192.0.2.10:7000")
        #expect(v4.addressBytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 10])
        #expect(EndpointAddress(ipv4: 0xC000_020A, port: 7000) == v4)
        let v6 = try #require(EndpointAddress("[2001:db8::1]:443"))
        #expect(!v6.isIPv4)
        #expect(v6.description == "[2001:db8::1]:443")
        #expect(EndpointAddress("[::1]:5")?.description == "[::1]:5")
        #expect(EndpointAddress("[::ffff:1.2.3.4]:5") == EndpointAddress("1.2.3.4:5"))
        for bad in [
            "", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "::1:5", "[::1]", "[::1:5", "300.1.1.1:5", "a:b", "[]:5",
            "1.2.3.4:+5", "1.2.3.4:-1",
        ] {
            #expect(EndpointAddress(bad) == nil, "\(bad)")
        }
        #expect(MemoryLayout<EndpointAddress>.size <= 18)
    }

    @Test func endpointAddressSockaddrRoundTrip() throws {
        let v4 = try #require(EndpointAddress("10.1.2.3:51820"))
        let sa = try #require(v4.sockaddrIn)
        #expect(EndpointAddress(sa) == v4)
        let v6 = try #require(EndpointAddress("[fd00::5]:9"))
        #expect(v6.sockaddrIn == nil)
        #expect(EndpointAddress(v6.sockaddrIn6) == v6)
    }

    @Test func geneveHeaderRoundTrips() throws {
        for header in [
            GeneveHeader(isControl: true, protocolType: .control, vni: 0),
            GeneveHeader(isControl: false, protocolType: .wireGuard, vni: 0xFF_FFFF),
            GeneveHeader(isControl: false, protocolType: .control, vni: 0x12_3456),
        ] {
            let bytes = header.bytes
            #expect(bytes.count == 8)
            #expect(try bytes.withUnsafeBytes { try GeneveHeader(parsing: $0) } == header)
        }
        #expect(
            GeneveHeader(isControl: true, protocolType: .control, vni: 0x12_3456).bytes
                == [0x00, 0x80, 0x7A, 0x11, 0x12, 0x34, 0x56, 0x00])
    }

    @Test func geneveHeaderRejectsEveryMalformedVariant() {
        func parse(_ bytes: [UInt8]) -> DropReason? {
            do {
                _ = try bytes.withUnsafeBytes { try GeneveHeader(parsing: $0) }
                return nil
            } catch { return error as? DropReason }
        }
        let good: [UInt8] = [0x00, 0x00, 0x7A, 0x12, 0, 0, 1, 0]
        #expect(parse(good) == nil)
        for length in 0..<8 { #expect(parse(Array(good.prefix(length))) == .tooShort) }
        for (index, value) in [(0, 0x40), (0, 0x01), (1, 0x40), (1, 0x01), (7, 0x01)] as [(Int, UInt8)] {
            var bad = good
            bad[index] |= value
            #expect(parse(bad) == .badGeneveHeader, "byte \(index) |= \(value)")
        }
        var proto = good
        proto[3] = 0x13
        #expect(parse(proto) == .unknownProtocol)
        var wgControl = good
        wgControl[1] = 0x80
        #expect(parse(wgControl) == .controlBitOnWireGuard)
    }

    @Test func everyMessageRoundTrips() throws {
        let key = PrivateKey.generate().publicKey
        let txid = TransactionID.random()
        let endpoint = try #require(EndpointAddress("198.51.100.7:7000"))
        let messages: [ControlMessage] = [
            .ping(PingMessage(transactionID: txid, paddingLength: 33)),
            .pong(PongMessage(transactionID: txid, observedSource: endpoint)),
            .allocate(AllocateMessage(generation: 9, peerKey: key, certificate: [1, 2, 3], paddingLength: 5)),
            .allocateResponse(
                AllocateResponseMessage(
                    generation: 9, vni: 77, bindTimeoutMilliseconds: 30_000, idleTimeoutSeconds: 1800,
                    endpoints: [endpoint, EndpointAddress("[2001:db8::2]:7000")!])),
            .bind(BindMessage(vni: 77, generation: 3, remoteKey: key)),
            .challenge(BindMessage(vni: 77, generation: 3, remoteKey: key, cookie: BindCookie(bytes: Array(0..<32))!)),
            .answer(BindMessage(vni: 77, generation: 3, remoteKey: key, cookie: BindCookie(bytes: Array(0..<32))!)),
            .error(RelayErrorMessage(code: .expiredCertificate, generation: 9)),
        ]
        for message in messages {
            let plaintext = message.encoded()
            #expect(try ControlMessage(decoding: plaintext) == message)
            // Trailing bytes are ignored for fixed-size bodies.
            if case .ping = message {
            } else if case .allocate = message {
            } else {
                #expect(try ControlMessage(decoding: plaintext + [9, 9]) == message)
            }
        }
        #expect(ControlMessage.bind(BindMessage(vni: 1, generation: 1, remoteKey: key)).encoded().count == 74)
    }

    @Test func unknownTypeAndVersionAreReported() {
        #expect(throws: DropReason.unknownMessageType) { try ControlMessage(decoding: [0x42, 0]) }
        #expect(throws: DropReason.unsupportedVersion) {
            try ControlMessage(decoding: [0x05, 1] + [UInt8](repeating: 0, count: 72))
        }
        #expect(throws: DropReason.malformedMessage) { try ControlMessage(decoding: [0x05]) }
    }

    @Test func errorMessageTruncatesOnCharacterBoundary() {
        let long = String(repeating: "é", count: 200)  // 400 UTF-8 bytes
        let message = RelayErrorMessage(code: .rateLimited, generation: 0, message: long)
        #expect(message.message.utf8.count == 254)
        #expect(RelayErrorMessage.truncated("aé", toUTF8Count: 2) == "a")
        #expect(message.code == .rateLimited)
    }

    @Test func sealedDatagramClassifiesAndOpens() throws {
        let relay = PrivateKey.generate()
        let client = PrivateKey.generate()
        let clientToRelay = try #require(client.sharedKey(with: relay.publicKey))
        let relayToClient = try #require(relay.sharedKey(with: client.publicKey))
        let message = ControlMessage.bind(BindMessage(vni: 5, generation: 1, remoteKey: relay.publicKey))
        let datagram = message.sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: 5), sender: client.publicKey,
            key: clientToRelay)
        #expect(datagram.count == 8 + 76 + 74)
        #expect(datagram.count == message.sealedDatagramSize)
        let classified = try datagram.withUnsafeBytes { try DatagramParser.classify($0) }
        #expect(classified.vni == 5)
        #expect(classified.kind == .control(sender: client.publicKey))
        #expect(try datagram.withUnsafeBytes { try DatagramParser.openControl($0, key: relayToClient) } == message)
        let stranger = try #require(PrivateKey.generate().sharedKey(with: client.publicKey))
        #expect(throws: DropReason.undecryptable) {
            try datagram.withUnsafeBytes { try DatagramParser.openControl($0, key: stranger) }
        }
        var badMagic = datagram
        badMagic[8] = 0
        #expect(throws: DropReason.malformedEnvelope) {
            try badMagic.withUnsafeBytes { try DatagramParser.classify($0) }
        }
        let data: [UInt8] = GeneveHeader(isControl: false, protocolType: .wireGuard, vni: 5).bytes + [1, 2, 3]
        #expect(try data.withUnsafeBytes { try DatagramParser.classify($0) }.isData)
    }

    @Test func truncatedControlDatagramsAreDroppedWithAReason() throws {
        let relay = PrivateKey.generate()
        let client = PrivateKey.generate()
        let key = try #require(client.sharedKey(with: relay.publicKey))
        let relayKey = try #require(relay.sharedKey(with: client.publicKey))
        let datagram = ControlMessage.bind(BindMessage(vni: 5, generation: 1, remoteKey: relay.publicKey))
            .sealedDatagram(
                header: GeneveHeader(isControl: true, protocolType: .control, vni: 5), sender: client.publicKey,
                key: key)
        for length in 0..<datagram.count {
            let prefix = Array(datagram.prefix(length))
            let reason: DropReason? = prefix.withUnsafeBytes { buffer -> DropReason? in
                do {
                    _ = try DatagramParser.classify(buffer)
                    _ = try DatagramParser.openControl(buffer, key: relayKey)
                    return nil
                } catch { return error as? DropReason ?? .malformedMessage }
            }
            #expect(reason != nil, "length \(length) accepted")
        }
    }
}
