import Foundation
import PeerRelayTestSupport
import Tailnet
import Testing

@testable import Coordinator

@Suite(.timeLimit(.minutes(1))) struct CoordinatorTLSTests {
    @Test func servesHTTPSWithTheGivenCertificate() async throws {
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        let certificate = tailnet.directory.path + "/tls.crt"
        let key = tailnet.directory.path + "/tls.key"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not create a test certificate")
        let configuration = CoordinatorServer.Configuration(
            host: "127.0.0.1", port: 0, tlsCertificatePath: certificate, tlsKeyPath: key)
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
