import Foundation
import PeerRelayTestSupport
import Tailnet
import Testing

@testable import Coordinator

@Suite(.timeLimit(.minutes(1))) struct CoordinatorTLSTests {
    @Test func servesHTTPSWithTheGivenCertificate() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let tls = try LoopbackTLSCertificate()
        defer { tls.remove() }
        let configuration = CoordinatorServer.Configuration(
            host: "127.0.0.1", port: 0, tlsCertificatePath: tls.certificate, tlsKeyPath: tls.key)
        try await withRunningCoordinator(tailnet, configuration: configuration) { baseURL, admin in
            #expect(baseURL.hasPrefix("https://"))
            #expect(try await admin.tailnet().id == TestTailnet.tailnetID)
            // Without the CA the client refuses the server.
            let untrusting = try CoordinatorClient(baseURL: baseURL, token: tailnet.adminToken)
            #expect(await untrusting.healthy() == false)
        }
    }

    @Test func plainHTTPIsOnlyForLoopback() {
        #expect(throws: CoordinatorError.self) {
            try CoordinatorServer.Configuration(host: "0.0.0.0", port: 0).validate()
        }
        #expect(throws: CoordinatorError.self) {
            try CoordinatorServer.Configuration(host: "127.0.0.1", port: 0, tlsCertificatePath: "/x").validate()
        }
        #expect(throws: Never.self) { try CoordinatorServer.Configuration(host: "127.0.0.1", port: 0).validate() }
        // --allow-plain-http: an explicit opt-in for a pod behind a ClusterIP Service.
        #expect(throws: Never.self) {
            try CoordinatorServer.Configuration(host: "0.0.0.0", port: 0, allowPlainHTTP: true).validate()
        }
    }
}
