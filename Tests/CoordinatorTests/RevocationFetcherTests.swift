import Foundation
import PeerRelayTestSupport
import RelayCore
import Tailnet
import Testing

@testable import Coordinator

@Suite(.timeLimit(.minutes(1))) struct RevocationFetcherTests {
    @Test func keepsTheLastCopyWhenTheCoordinatorIsDown() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let cache = tailnet.directory.path + "/revocations.json"
        let (fetcher, serial) = try await withRunningCoordinator(tailnet) { _, admin in
            let key = try await admin.createKey(PreAuthKeyRequest())
            let node = try await admin.register(
                RegisterRequest(preAuthKey: key.key, publicKey: PrivateKey.generate().publicKey.base64, name: "x"))
            _ = try await admin.removeNode(id: node.node.id)
            let fetcher = RevocationFetcher(client: admin, cachePath: cache, tailnetID: TestTailnet.tailnetID)
            #expect(await fetcher.refresh())
            #expect(await fetcher.current?.serials == [node.node.certificateSerial])
            return (fetcher, node.node.certificateSerial)
        }
        // The server is stopped now: refreshing fails, the last copy stays.
        #expect(await fetcher.refresh() == false)
        #expect(await fetcher.failures == 1)
        #expect(await fetcher.lastError != nil)
        #expect(await fetcher.current?.serials == [serial])
        // A relay restarting while the coordinator is down starts from the cached file.
        let restarted = RevocationFetcher(
            client: try CoordinatorClient(baseURL: "http://127.0.0.1:9"), cachePath: cache,
            tailnetID: TestTailnet.tailnetID)
        #expect(await restarted.current?.serials == [serial])
        let otherTailnet = RevocationFetcher(
            client: try CoordinatorClient(baseURL: "http://127.0.0.1:9"), cachePath: cache, tailnetID: "other")
        #expect(await otherTailnet.current == nil)
    }
}
