import Logging
import NIOCore
import PeerRelayTestSupport
import RelayCore
import Telemetry

@testable import RelayServer

/// Runs a real `RelayServer` in-process on loopback (UDP and admin on free ports) for the duration of a test.
struct TestRelay {
    let server: RelayServer
    let tailnet: TestTailnet
    let metrics: TelemetryMetrics

    var address: SocketAddress { server.dataPlane.boundAddresses[0] }
    var adminPort: Int { server.admin.port }
    var relayPublicKey: PublicKey { tailnet.relayKey.publicKey }

    /// Base settings for a loopback relay of `tailnet`; tests adjust them.
    static func settings(_ tailnet: TestTailnet) -> RelaySettings {
        var settings = RelaySettings()
        settings.listenAddresses = ["127.0.0.1"]
        settings.port = 0
        settings.adminAddress = "127.0.0.1"
        settings.adminPort = 0
        settings.sockets = 2
        settings.privateKeyFile = tailnet.keyFile
        settings.certificateFile = tailnet.certificateFile
        settings.caKeys = [tailnet.caPublicKey.base64]
        return settings
    }

    /// Starts a relay, runs `body`, then shuts the relay down gracefully and waits for it.
    static func with(
        _ tailnet: TestTailnet, settings: RelaySettings? = nil, configFile: String? = nil,
        gsoRefusalHold: Duration? = nil,
        _ body: (TestRelay) async throws -> Void
    ) async throws {
        let settings = settings ?? Self.settings(tailnet)
        let configuration: RelayServerConfiguration
        var source: RelayServer.ConfigFileSource?
        if let configFile {
            let file = try RelaySettings(configFile: configFile)
            configuration = try RelayServerConfiguration(
                flags: settings, environment: RelaySettings(), file: file, coreCount: 2)
            source = .init(path: configFile, flags: settings, environment: RelaySettings(), coreCount: 2)
        } else {
            configuration = try RelayServerConfiguration(settings: settings, coreCount: 2)
        }
        let metrics = TelemetryMetrics()
        let logger = Logger(label: "relay-test") { _ in
            var handler = StreamLogHandler.standardError(label: "relay-test")
            handler.logLevel = .warning
            return handler
        }
        var options = RelayServer.Options(metrics: metrics, logger: logger, configFile: source)
        if let gsoRefusalHold { options.gsoRefusalHold = gsoRefusalHold }
        let server = try await RelayServer.start(configuration: configuration, options: options)
        let relay = TestRelay(server: server, tailnet: tailnet, metrics: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            do {
                try await body(relay)
            } catch {
                await server.shutdown()
                try? await group.waitForAll()
                throw error
            }
            await server.shutdown()
            try await group.waitForAll()
        }
    }

    /// Two clients of the tailnet, each with a fresh node identity.
    func clients(_ names: String...) async throws -> [TestClient] {
        var clients: [TestClient] = []
        for name in names {
            clients.append(
                try await TestClient(node: tailnet.node(name), relay: address, relayPublicKey: relayPublicKey))
        }
        return clients
    }

    /// Scrapes the real admin port.
    func scrape() async throws -> PrometheusText {
        let response = try await HTTPGet.get(port: adminPort, path: "/metrics")
        guard response.status == 200 else { throw TestFailure("/metrics answered \(response.status)") }
        return PrometheusText(response.body)
    }
}

/// Parsed Prometheus text: sample lines by name and labels.
struct PrometheusText {
    let text: String
    init(_ text: String) { self.text = text }

    /// The value of the sample `name{labels}` (labels as written, e.g. `reason="too_short"`), 0 when absent.
    func value(_ name: String, _ labels: String? = nil) -> Double {
        let prefix = labels.map { "\(name){\($0)} " } ?? "\(name) "
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            return Double(line.dropFirst(prefix.count)) ?? .nan
        }
        return 0
    }

    /// Sum of all samples of `name` whose labels contain `fragment`.
    func sum(_ name: String, containing fragment: String = "") -> Double {
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard fragment.isEmpty || line.contains(fragment) else { continue }
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return total
    }
}
