import Fallback
import Foundation
import RelayCore
import Testing

@Suite struct FrameCodingTests {
    static let key = FallbackVectors.clientB.publicKey

    static let serverFrames: [Frame] = [
        .serverHello(FallbackVectors.serverHello),
        .accepted(AcceptedParameters(keepaliveMillis: 1234, rateBytesPerSecond: 1 << 40, rateBurstBytes: 99)),
        .receive(from: key, payload: [], control: false),
        .receive(from: key, payload: [UInt8](repeating: 7, count: FrameLimits.maximumPacket), control: true),
        .keepAlive, .ping(0x0102_0304_0506_0708), .pong(.max),
        .peerGone(key, .disconnected), .peerGone(key, .notHere), .peerPresent(key),
        .close(CloseNotice(reason: .shuttingDown, retryAfterMillis: 5000, message: "restarting — back soon")),
    ]

    static let clientFrames: [Frame] = [
        .clientHello(FallbackVectors.clientHello),
        .send(to: key, payload: [1, 2, 3], control: false),
        .send(to: key, payload: [UInt8](repeating: 9, count: FrameLimits.maximumPacket), control: false),
        .send(to: key, payload: [], control: true),
        .watchPeers, .ping(1), .pong(2),
    ]

    @Test func everyFrameRoundTripsInItsDirection() throws {
        for frame in Self.serverFrames {
            #expect(try Frame(decoding: frame.encoded(), receiver: .client) == frame, "\(frame.type)")
        }
        for frame in Self.clientFrames {
            #expect(try Frame(decoding: frame.encoded(), receiver: .server) == frame, "\(frame.type)")
        }
    }

    @Test func framesTravellingTheWrongWayAreRefused() {
        for frame in Self.serverFrames where !frame.type.isClientToServer {
            #expect(throws: ProtocolViolation.wrongDirection(frame.type)) {
                try Frame(decoding: frame.encoded(), receiver: .server)
            }
        }
        for frame in Self.clientFrames where !frame.type.isServerToClient {
            #expect(throws: ProtocolViolation.wrongDirection(frame.type)) {
                try Frame(decoding: frame.encoded(), receiver: .client)
            }
        }
    }

    @Test func lengthsOverTheCapAreRefusedFromTheHeaderAlone() throws {
        for length in [FrameLimits.maximumPayload + 1, 1 << 20, Int(UInt32.max)] {
            let header = FrameHeader(type: FrameType.sendPacket.rawValue, length: length)
            let parsed = try #require(header.bytes.withUnsafeBytes { FrameHeader(peeking: $0) })
            #expect(parsed == header)
            #expect(throws: ProtocolViolation.oversized(type: 4, length: length, limit: FrameLimits.maximumPayload)) {
                try parsed.validate(receiver: .server)
            }
        }
        // Exactly at the cap: a full-size packet.
        #expect(
            try FrameHeader(type: 4, length: FrameLimits.maximumPayload).validate(receiver: .server) == .sendPacket)
    }

    /// Every payload length from 0 to 200 for every type: either the length is legal for the type and the frame
    /// decodes (or is refused for a field), or it is refused as a bad length. Nothing traps, nothing is accepted
    /// that the type cannot hold.
    @Test func everyLengthOfEveryTypeIsDecidedWithoutTrapping() {
        for raw in UInt8(0)...UInt8(0x20) {
            for length in 0...200 {
                let bytes = FrameHeader(type: raw, length: length).bytes + [UInt8](repeating: 0xA5, count: length)
                for receiver in [Side.server, .client] {
                    do {
                        let frame = try Frame(decoding: bytes, receiver: receiver)
                        #expect(FrameHeader.lengthFits(frame.type, length))
                    } catch {
                        guard let type = FrameType(rawValue: raw) else {
                            #expect(error == .unknownType(raw))
                            continue
                        }
                        switch error {
                        case .wrongDirection, .badField, .badLength: break
                        default: Issue.record("type \(type) length \(length): unexpected \(error)")
                        }
                    }
                }
            }
        }
    }

    @Test func streamDecoderSplitsFramesFedByteByByteAndStopsAtTheFirstViolation() throws {
        let frames: [Frame] = [.send(to: Self.key, payload: [1, 2], control: false), .watchPeers, .ping(5)]
        var decoder = FrameStreamDecoder(receiver: .server)
        var decoded: [Frame] = []
        for byte in frames.flatMap({ $0.encoded() }) {
            decoder.append([byte])
            while let frame = try decoder.next() { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(decoder.pendingByteCount == 0)

        decoder.append([0x7F, 0, 0, 0, 0])
        #expect(throws: ProtocolViolation.unknownType(0x7F)) { try decoder.next() }
        decoder.append(Frame.watchPeers.encoded())
        #expect(throws: ProtocolViolation.unknownType(0x7F)) { try decoder.next() }
    }

    @Test func handshakeLimitRefusesLargeFramesBeforeAdmission() {
        var decoder = FrameStreamDecoder(receiver: .server, limit: FrameLimits.maximumClientHello)
        decoder.append(FrameHeader(type: FrameType.sendPacket.rawValue, length: 2000).bytes)
        #expect(throws: ProtocolViolation.oversized(type: 4, length: 2000, limit: FrameLimits.maximumClientHello)) {
            try decoder.next()
        }
    }

    @Test func closeMessagesAreCutAtACharacterBoundary() throws {
        let long = String(repeating: "é", count: 600)  // 1200 bytes
        let frame = Frame.close(CloseNotice(reason: .replaced, message: long))
        guard case .close(let notice) = try Frame(decoding: frame.encoded(), receiver: .client) else {
            Issue.record("not a close frame")
            return
        }
        #expect(notice.message.utf8.count == FrameLimits.maximumCloseMessage)
        #expect(notice.message == String(repeating: "é", count: 512))
    }

    @Test func wrongMagicAndVersionAreNamed() throws {
        var bytes = Frame.serverHello(FallbackVectors.serverHello).encoded()
        bytes[5] = 0x58
        #expect(throws: ProtocolViolation.self) { try Frame(decoding: bytes, receiver: .client) }
        bytes = Frame.serverHello(FallbackVectors.serverHello).encoded()
        bytes[9] = 9
        do {
            _ = try Frame(decoding: bytes, receiver: .client)
            Issue.record("version 9 accepted")
        } catch {
            #expect("\(error)".contains("version 9"))
        }
    }
}
