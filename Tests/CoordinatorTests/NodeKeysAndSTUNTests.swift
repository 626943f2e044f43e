import CurlHTTP
import Foundation
import Logging
import NIOCore
import NIOPosix
import RelayCore
import Testing

@testable import Coordinator
@testable import Tailnet

/// A node binds a WireGuard key beside its control key at registration; peers find both in their netmaps.
/// The coordinator answers STUN on UDP.
@Suite(.timeLimit(.minutes(2))) struct NodeKeysAndSTUNTests {
    @Test func wireGuardKeyIsBoundAtRegistrationAndListedToPeers() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest(reusable: true))
            let control = PrivateKey.generate().publicKey.base64
            let wireGuard = PrivateKey.generate().publicKey.base64
            let a = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: control, name: "a", wireGuardKey: wireGuard))
            #expect(a.node.wireGuardKey == wireGuard)
            #expect(a.node.publicKey == control)
            let b = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "b"))
            #expect(b.node.wireGuardKey == nil, "nodes without WireGuard still register")
            let netmap = try #require(try await admin.with(token: b.nodeToken).netmap())
            #expect(netmap.peers.first?.wireGuardKey == wireGuard)
            #expect(netmap.peers.first?.publicKey == control)
            #expect(try await admin.listNodes().first { $0.id == a.node.id }?.wireGuardKey == wireGuard)

            // The same key as control and WireGuard key, a reused WireGuard key, or garbage: refused with a reason.
            let same = PrivateKey.generate().publicKey.base64
            await #expect(throws: CoordinatorClientError.self) {
                _ = try await admin.register(
                    RegisterRequest(preAuthKey: key.key, publicKey: same, name: "c", wireGuardKey: same))
            }
            await #expect(throws: CoordinatorClientError.self) {
                _ = try await admin.register(
                    RegisterRequest(
                        preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "d",
                        wireGuardKey: wireGuard))
            }
            do {
                _ = try await admin.register(
                    RegisterRequest(
                        preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "e",
                        wireGuardKey: "not-a-key"))
                Issue.record("a malformed WireGuard key was accepted")
            } catch {
                #expect("\(error)".contains("wireGuardKey"))
            }
        }
    }

    @Test func stunServiceAnswersPaddedRequestsOnly() async throws {
        let service = try await STUNService.bind(host: "127.0.0.1", port: 0, logger: .init(label: "test"))
        let serviceTask = Task { try await service.run() }
        defer { serviceTask.cancel() }
        let server = try #require(service.localAddress)
        let (inbound, continuation) = AsyncStream.makeStream(of: AddressedEnvelope<ByteBuffer>.self)
        let client = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation: continuation))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { client.close(promise: nil) }
        let id = STUNTransactionID.random()
        let bare: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42] + id.bytes
        try await client.writeAndFlush(
            AddressedEnvelope(remoteAddress: server, data: client.allocator.buffer(bytes: bare))
        ).get()
        let padded = STUNMessage.bindingRequest(id).encoded()
        try await client.writeAndFlush(
            AddressedEnvelope(remoteAddress: server, data: client.allocator.buffer(bytes: padded))
        ).get()
        var iterator = inbound.makeAsyncIterator()
        let reply = try #require(await iterator.next())
        let message = try reply.data.withUnsafeReadableBytes { try STUNMessage(decoding: $0) }
        let local = try #require(client.localAddress)
        #expect(message == .bindingResponse(id, mapped: EndpointAddress("127.0.0.1:\(local.port!)")!))
        #expect(reply.data.readableBytes <= padded.count)
    }
}

private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let continuation: AsyncStream<AddressedEnvelope<ByteBuffer>>.Continuation

    init(continuation: AsyncStream<AddressedEnvelope<ByteBuffer>>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }
}
