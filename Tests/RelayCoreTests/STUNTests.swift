import Testing

@testable import RelayCore

@Suite struct STUNTests {
    /// RFC 5769 §2.2 sample IPv4 response (MESSAGE-INTEGRITY bytes replaced: not checked by PeerRelay).
    static let rfc5769Response: [UInt8] =
        [
            0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
            0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
            0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
            0x00, 0x08, 0x00, 0x14,
        ] + Array(repeating: 0xAA, count: 20) + [0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96]

    @Test func decodesTheRFC5769SampleResponse() throws {
        let message = try Self.rfc5769Response.withUnsafeBytes { try STUNMessage(decoding: $0) }
        let id = try #require(
            STUNTransactionID(bytes: [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]))
        #expect(message == .bindingResponse(id, mapped: EndpointAddress("192.0.2.1:32853")!))
    }

    @Test func requestIsPaddedAndTheAnswerNeverExceedsIt() throws {
        let id = STUNTransactionID.random()
        let request = STUNMessage.bindingRequest(id).encoded()
        #expect(request.count == STUNMessage.paddedRequestSize)
        #expect(request.withUnsafeBytes { STUNMessage.looksLikeSTUN($0) })
        #expect(try request.withUnsafeBytes { try STUNMessage(decoding: $0) } == .bindingRequest(id))
        for source in ["198.51.100.7:41641", "[2001:db8:1234:5678:11:2233:4455:6677]:32853"] {
            let address = try #require(EndpointAddress(source))
            let answer = try #require(request.withUnsafeBytes { STUNMessage.answer($0, from: address) })
            #expect(answer.count <= request.count)
            #expect(answer.count == (address.isIPv4 ? 32 : 44))
            #expect(
                try answer.withUnsafeBytes { try STUNMessage(decoding: $0) } == .bindingResponse(id, mapped: address))
        }
    }

    @Test func bareOrForeignRequestsGetNoAnswer() throws {
        let source = try #require(EndpointAddress("[2001:db8::1]:5"))
        let id = STUNTransactionID.random()
        // A bare 20-byte request (what most STUN clients send) would get a larger answer: refused.
        let bare: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42] + id.bytes
        #expect(bare.withUnsafeBytes { STUNMessage.answer($0, from: source) } == nil)
        // 32 bytes is enough for IPv4 but not IPv6.
        let small = STUNMessage.bindingRequest(id).encoded(requestSize: 0)
        #expect(small.withUnsafeBytes { STUNMessage.answer($0, from: EndpointAddress("192.0.2.1:9")!) } != nil)
        // Responses and garbage are never answered.
        #expect(Self.rfc5769Response.withUnsafeBytes { STUNMessage.answer($0, from: source) } == nil)
        #expect([UInt8](repeating: 0, count: 44).withUnsafeBytes { STUNMessage.answer($0, from: source) } == nil)
    }

    @Test func malformedMessagesThrowWithoutCrashing() {
        var wrongCookie = Self.rfc5769Response
        wrongCookie[5] ^= 1
        #expect(throws: STUNError.notSTUN) { try wrongCookie.withUnsafeBytes { try STUNMessage(decoding: $0) } }
        var overrun = Self.rfc5769Response
        overrun[22] = 0x40  // SOFTWARE length runs past the end
        #expect(throws: STUNError.self) { try overrun.withUnsafeBytes { try STUNMessage(decoding: $0) } }
        var indication = Self.rfc5769Response
        indication[0] = 0x00
        indication[1] = 0x11
        #expect(throws: STUNError.unsupportedType(0x0011)) {
            try indication.withUnsafeBytes { try STUNMessage(decoding: $0) }
        }
        // Every truncation of a valid message is rejected as not STUN (the length field no longer matches).
        for length in 0..<Self.rfc5769Response.count {
            let prefix = Array(Self.rfc5769Response.prefix(length))
            #expect(throws: STUNError.self) { try prefix.withUnsafeBytes { try STUNMessage(decoding: $0) } }
        }
    }
}

@Suite struct CallMeMaybeTests {
    @Test func roundTripsAndRejectsMalformedBodies() throws {
        let endpoints = [EndpointAddress("198.51.100.7:41641")!, EndpointAddress("[2001:db8::7]:41641")!]
        let message = ControlMessage.callMeMaybe(CallMeMaybeMessage(endpoints: endpoints))
        let plaintext = message.encoded()
        #expect(plaintext.count == 2 + 1 + 2 * 18)
        #expect(plaintext[0] == 0x09)
        #expect(try ControlMessage(decoding: plaintext) == message)
        #expect(throws: DropReason.malformedMessage) { try ControlMessage(decoding: Array(plaintext.dropLast())) }
        #expect(throws: DropReason.malformedMessage) {
            try ControlMessage(decoding: [0x09, 0, 33] + [UInt8](repeating: 0, count: 33 * 18))
        }
        #expect(CallMeMaybeMessage(endpoints: Array(repeating: endpoints[0], count: 40)).endpoints.count == 32)
    }
}
