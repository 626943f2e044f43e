import NIOCore
import RelayCore
import Testing

@testable import RelayServer

/// relay-server answers STUN Binding Requests on its relay port, so nodes learn their reflexive address from every
/// relay, and never with more bytes than asked.
@Suite struct STUNAnswerTests {
    @Test func answersPaddedBindingRequestsWithTheSourceAddress() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        try await TestRelay.with(tailnet, settings: TestRelay.settings(tailnet)) { relay in
            let socket = try await TestSocket.open()
            defer { Task { await socket.close() } }
            let id = STUNTransactionID.random()
            let bare: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42] + id.bytes
            try await socket.send(bare, to: relay.address)
            #expect(
                await socket.receive(timeout: .milliseconds(300)) == nil, "a bare request would get a larger answer")
            let request = STUNMessage.bindingRequest(id).encoded()
            try await socket.send(request, to: relay.address)
            let reply = try #require(await socket.receive(timeout: .seconds(2)))
            #expect(reply.bytes.count <= request.count)
            let local = try #require(socket.localAddress.port)
            let message = try reply.bytes.withUnsafeBytes { try STUNMessage(decoding: $0) }
            #expect(message == .bindingResponse(id, mapped: EndpointAddress("127.0.0.1:\(local)")!))
        }
    }
}
