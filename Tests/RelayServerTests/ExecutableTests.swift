import Logging
import NIOCore
import NIOPosix
import PeerRelayTestSupport
import RelayCore
import RelayServer
import Telemetry
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the real `relay-server` binary: start-up errors, help, and a clean SIGTERM shutdown.
@Suite struct ExecutableTests {
    static func baseArguments(_ tailnet: TestTailnet) -> [String] {
        [
            "--listen", "127.0.0.1", "--port", "0", "--admin-address", "127.0.0.1", "--admin-port", "0",
            "--sockets", "1", "--private-key-file", tailnet.keyFile, "--certificate-file", tailnet.certificateFile,
            "--ca-key", tailnet.caPublicKey.base64,
        ]
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        let result = try await ChildProcess.run(
            BuiltProducts.path("relay-server"), arguments, environment: ChildProcess.cleanEnvironment(environment),
            timeout: .seconds(15))
        return (result.status, result.output)
    }

    /// Replaces the value after `flag` in `arguments`.
    static func replacing(_ flag: String, with value: String, in arguments: [String]) -> [String] {
        var copy = arguments
        if let index = copy.firstIndex(of: flag) { copy[index + 1] = value }
        return copy
    }

    @Test func badKeyFileIsAClearError() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let bad = try tailnet.write("this is not a key\n", named: "bad.key")
        let (status, stderr) = try await Self.run(
            Self.replacing("--private-key-file", with: bad, in: Self.baseArguments(tailnet)))
        #expect(status == 78)
        #expect(stderr.contains("relay-server: error: key file \(bad) does not hold a base64 X25519 private key"))
        let (missingStatus, missing) = try await Self.run(
            Self.replacing(
                "--private-key-file", with: tailnet.directory + "/absent.key", in: Self.baseArguments(tailnet)))
        #expect(missingStatus == 78)
        #expect(missing.contains("does not exist"))
    }

    @Test func malformedCertificateIsAClearError() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let bad = try tailnet.write(
            "-----BEGIN PEERRELAY CERTIFICATE-----\nAAAA\n-----END PEERRELAY CERTIFICATE-----\n", named: "bad.pem")
        let (status, stderr) = try await Self.run(
            Self.replacing("--certificate-file", with: bad, in: Self.baseArguments(tailnet)))
        #expect(status == 78)
        #expect(stderr.contains("certificate file \(bad) is not a valid PeerRelay certificate"))
        let node = try tailnet.write(try tailnet.node("n").certificate.pemEncoded, named: "node.pem")
        let (roleStatus, role) = try await Self.run(
            Self.replacing("--certificate-file", with: node, in: Self.baseArguments(tailnet)))
        #expect(roleStatus == 78)
        #expect(role.contains("has role node, but a relay needs a certificate of role relay"))
    }

    @Test func portInUseIsAClearError() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let holder = try await TestSocket.open()
        defer { Task { await holder.close() } }
        let port = holder.localAddress.port!
        let (status, stderr) = try await Self.run(
            Self.replacing("--port", with: "\(port)", in: Self.baseArguments(tailnet)))
        #expect(status == 69)
        #expect(stderr.contains("UDP port \(port) on 127.0.0.1 is already in use"))
    }

    @Test func adminPortInUseIsAClearError() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let holder = try await AdminServer.bind(
            host: "127.0.0.1", port: 0, metrics: TelemetryMetrics(),
            logger: Logger(label: "holder") { _ in SwiftLogNoOpLogHandler() })
        defer { holder.close() }
        let (status, stderr) = try await Self.run(
            Self.replacing("--admin-port", with: "\(holder.port)", in: Self.baseArguments(tailnet)))
        #expect(status == 69)
        #expect(stderr.contains("cannot listen for admin HTTP on 127.0.0.1:\(holder.port)"))
    }

    @Test func badFlagValuesAreUsageErrors() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let (status, stderr) = try await Self.run(
            Self.replacing("--port", with: "99999", in: Self.baseArguments(tailnet)))
        #expect(status == 64)
        #expect(stderr.contains("invalid value '99999' for --port: expected an integer in 0...65535"))
        let (envStatus, envError) = try await Self.run(
            Self.baseArguments(tailnet), environment: ["RELAY_IDLE_TIMEOUT": "soon"])
        #expect(envStatus == 64)
        #expect(envError.contains("RELAY_IDLE_TIMEOUT"))
    }

    @Test func helpDocumentsEveryFlagAndVariable() async throws {
        let result = try await ChildProcess.run(
            BuiltProducts.path("relay-server"), ["--help"], environment: ChildProcess.cleanEnvironment())
        #expect(result.status == 0)
        let help = result.output
        for field in RelaySettingField.all {
            #expect(help.contains("--\(field.flag)"), "missing --\(field.flag)")
            #expect(help.contains(field.environmentVariable), "missing \(field.environmentVariable)")
        }
        #expect(help.contains("RELAY_CONFIG"))
    }

    @Test func startsServesAndStopsCleanlyOnSIGTERM() async throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        // A kubelet injects RELAY_0_* variables for a Service named relay-0: a warning, not an exit.
        let process = try ChildProcess(
            BuiltProducts.path("relay-server"), arguments: Self.baseArguments(tailnet) + ["--log-format", "json"],
            environment: ChildProcess.cleanEnvironment(["RELAY_0_PORT": "udp://10.96.0.7:40000"]))
        defer { process.stop() }
        guard let output = await process.waitForOutput(containing: "relay-server started", timeout: .seconds(30)) else {
            let result = await process.wait(timeout: .seconds(1))
            Issue.record("relay-server did not start: \(result.output)")
            return
        }
        let line = output.split(separator: "\n").first { $0.contains("relay-server started") }!
        let adminPort = Int(Self.jsonField("adminPort", in: String(line)) ?? "") ?? 0
        #expect(adminPort > 0)
        #expect(try await HTTPGet.get(port: adminPort, path: "/healthz").status == 200)
        #expect(try await HTTPGet.get(port: adminPort, path: "/readyz").status == 200)
        process.signal(SIGTERM)
        let result = await process.wait(timeout: .seconds(10))
        #expect(result.status == 0, "output: \(result.output)")
        #expect(result.output.contains("relay stopped"))
        #expect(output.contains("ignoring environment variable RELAY_0_PORT"))
    }

    /// The string value of `"key":"value"` in a JSON log line.
    static func jsonField(_ key: String, in line: String) -> String? {
        let parts = line.split(separator: "\"\(key)\":\"", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count > 1 else { return nil }
        return parts[1].split(separator: "\"", maxSplits: 1).first.map(String.init)
    }
}
