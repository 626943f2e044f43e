import CurlHTTP
import Foundation
import Testing

@Suite("HTTPClient over loopback TLS") struct HTTPClientTLSTests {
    static let certificates: String? = try? TestServer.makeCertificates()

    func path(_ name: String) throws -> String {
        guard let directory = Self.certificates else { throw TestServerError.certificatesFailed }
        return directory + "/" + name
    }

    @Test func trustsTheServerThroughCAData() async throws {
        let server = try TestServer(tlsDirectory: try path(""))
        defer { server.stop() }
        let tls = TLSConfiguration(certificateAuthority: .data(try readBytes(try path("ca.crt"))))
        let client = HTTPClient(configuration: HTTPClientConfiguration(tls: tls))
        let response = try await client.send(HTTPRequest(url: server.url("/echo")))
        #expect(response.status == 200)
    }

    @Test func trustsTheServerThroughACAFile() async throws {
        let server = try TestServer(tlsDirectory: try path(""))
        defer { server.stop() }
        let tls = TLSConfiguration(certificateAuthority: .file(try path("ca.crt")))
        let response = try await HTTPClient(configuration: HTTPClientConfiguration(tls: tls))
            .send(HTTPRequest(url: server.url("/echo")))
        #expect(response.status == 200)
    }

    @Test func rejectsAnUntrustedServer() async throws {
        let server = try TestServer(tlsDirectory: try path(""))
        defer { server.stop() }
        do {
            _ = try await HTTPClient().send(HTTPRequest(url: server.url("/echo")))
            Issue.record("an unknown CA must fail verification")
        } catch let error as HTTPClientError {
            guard case .tlsFailure = error else { Issue.record("expected tlsFailure, got \(error)"); return }
        }
    }

    @Test func insecureSkipVerifyAcceptsAnUntrustedServer() async throws {
        let server = try TestServer(tlsDirectory: try path(""))
        defer { server.stop() }
        let tls = TLSConfiguration(insecureSkipVerify: true)
        let response = try await HTTPClient(configuration: HTTPClientConfiguration(tls: tls))
            .send(HTTPRequest(url: server.url("/echo")))
        #expect(response.status == 200)
    }

    @Test func presentsAClientCertificateFromData() async throws {
        let server = try TestServer(tlsDirectory: try path(""), requireClientCert: true)
        defer { server.stop() }
        let ca = PEMSource.data(try readBytes(try path("ca.crt")))
        let withCert = TLSConfiguration(
            certificateAuthority: ca, clientCertificate: .data(try readBytes(try path("client.crt"))),
            clientKey: .data(try readBytes(try path("client.key"))))
        let response = try await HTTPClient(configuration: HTTPClientConfiguration(tls: withCert))
            .send(HTTPRequest(url: server.url("/echo")))
        #expect(response.status == 200)

        let withoutCert = HTTPClient(
            configuration: HTTPClientConfiguration(tls: TLSConfiguration(certificateAuthority: ca)))
        await #expect(throws: HTTPClientError.self) {
            _ = try await withoutCert.send(HTTPRequest(url: server.url("/echo")))
        }
    }

    @Test func presentsAClientCertificateFromFiles() async throws {
        let server = try TestServer(tlsDirectory: try path(""), requireClientCert: true)
        defer { server.stop() }
        let tls = TLSConfiguration(
            certificateAuthority: .file(try path("ca.crt")), clientCertificate: .file(try path("client.crt")),
            clientKey: .file(try path("client.key")))
        let response = try await HTTPClient(configuration: HTTPClientConfiguration(tls: tls))
            .send(HTTPRequest(url: server.url("/echo")))
        #expect(response.status == 200)
    }

    @Test func missingCAFileIsABadCredentialsError() async throws {
        let tls = TLSConfiguration(certificateAuthority: .file("/nonexistent/ca.crt"))
        do {
            _ = try await HTTPClient(configuration: HTTPClientConfiguration(tls: tls))
                .send(HTTPRequest(url: "https://127.0.0.1:1/"))
            Issue.record("expected badCredentials")
        } catch let error as HTTPClientError {
            guard case .badCredentials(let detail) = error else { Issue.record("got \(error)"); return }
            #expect(detail.contains("/nonexistent/ca.crt"))
        }
    }

    @Test func garbageClientKeyIsReported() async throws {
        let server = try TestServer(tlsDirectory: try path(""), requireClientCert: true)
        defer { server.stop() }
        let tls = TLSConfiguration(
            certificateAuthority: .file(try path("ca.crt")), clientCertificate: .file(try path("client.crt")),
            clientKey: .data(Array("not a key".utf8)))
        do {
            _ = try await HTTPClient(configuration: HTTPClientConfiguration(tls: tls))
                .send(HTTPRequest(url: server.url("/echo")))
            Issue.record("expected a credentials error")
        } catch let error as HTTPClientError {
            guard case .badCredentials = error else { Issue.record("expected badCredentials, got \(error)"); return }
        }
    }
}
