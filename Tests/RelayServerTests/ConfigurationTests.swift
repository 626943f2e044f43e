import ArgumentParser
import Interchange
import RelayCore
import Telemetry
import Testing

@testable import RelayServer

@Suite struct ConfigurationTests {
    @Test func flagsOverrideEnvironmentOverrideFile() throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        let file = try RelaySettings(
            configJSON: Array(
                """
                {"port": 1111, "adminPort": 2222, "maxSessions": 3333, "privateKeyFile": "\(tailnet.keyFile)",
                 "certificateFile": "\(tailnet.certificateFile)", "caKeys": ["\(tailnet.caPublicKey.base64)"]}
                """.utf8), path: "test.json")
        let environment = try RelaySettings(environment: [
            "RELAY_PORT": "4444", "RELAY_ADMIN_PORT": "5555", "HOME": "/root", "RELAY_LOG_FORMAT": "json",
        ])
        let flags = try RelayServerFlags.parse(["--port", "6666", "--listen", "127.0.0.1", "--listen", "::1"])
            .settings()
        let configuration = try RelayServerConfiguration(
            flags: flags, environment: environment, file: file, coreCount: 3)
        #expect(configuration.port == 6666)
        #expect(configuration.adminPort == 5555)
        #expect(configuration.limits.maxSessions == 3333)
        #expect(configuration.listenAddresses == ["127.0.0.1", "::1"])
        #expect(configuration.logFormat == .json)
        #expect(configuration.sockets == 3)
        #expect(configuration.limits.idleTimeout == .seconds(1800))
        #expect(configuration.tailnetID == tailnet.id)
    }

    @Test func badValuesNameTheSettingAndTheExpectation() throws {
        #expect(
            throws: RelayConfigurationError.badValue(
                setting: "RELAY_PORT", value: "99999", expected: "an integer in 0...65535")
        ) {
            try RelaySettings(environment: ["RELAY_PORT": "99999"])
        }
        #expect(
            throws: RelayConfigurationError.badValue(
                setting: "--port", value: "99999", expected: "an integer in 0...65535")
        ) {
            try RelayServerFlags.parse(["--port", "99999"]).settings()
        }
        #expect(throws: RelayConfigurationError.unknownConfigKey(path: "x.json", key: "prot")) {
            try RelaySettings(configJSON: Array(#"{"prot": 1}"#.utf8), path: "x.json")
        }
        do {
            _ = try RelaySettings(configJSON: Array(#"{"port": "one"}"#.utf8), path: "x.json")
            Issue.record("a string port was accepted")
        } catch {
            #expect(error.description.contains("port"))
            #expect(error.exitCode == 78)
        }
        let badFlag = RelayConfigurationError.badValue(setting: "--port", value: "x", expected: "an integer")
        #expect(badFlag.exitCode == 64)
    }

    @Test func undocumentedRelayVariablesAreIgnoredNotFatal() throws {
        // A kubelet sets these in every pod of a namespace with a Service named relay-0.
        let environment = [
            "RELAY_0_PORT": "udp://10.96.0.7:40000", "RELAY_0_SERVICE_HOST": "10.96.0.7", "RELAY_PROT": "1",
            "RELAY_PORT": "4444", "HOME": "/root",
        ]
        let settings = try RelaySettings(environment: environment)
        #expect(settings.port == 4444)
        #expect(
            settings
                == {
                    var only = RelaySettings(); only.port = 4444; return only
                }())
        #expect(
            RelaySettings.undocumentedVariables(in: environment) == [
                "RELAY_0_PORT", "RELAY_0_SERVICE_HOST", "RELAY_PROT",
            ])
        #expect(RelaySettings.undocumentedVariables(in: ["RELAY_CONFIG": "/x.json", "RELAY_PORT": "1"]).isEmpty)
    }

    @Test func defaultsAreDefinedOnceAndAgreeWithRelayCore() throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = RelaySettings()
        settings.privateKeyFile = tailnet.keyFile
        settings.certificateFile = tailnet.certificateFile
        settings.caKeys = [tailnet.caPublicKey.base64]
        let configuration = try RelayServerConfiguration(settings: settings, coreCount: 2)
        #expect(configuration.limits == RelayLimits())
        #expect(configuration.limits.maxSessions == 100_000)
        #expect(configuration.port == RelaySettings.defaults.port)
        #expect(configuration.adminPort == RelaySettings.defaults.adminPort)
        #expect(configuration.listenAddresses == RelaySettings.defaults.listenAddresses)
        #expect(configuration.sockets == 2)
        let help = RelaySettingField.field(key: "maxSessions")?.help ?? ""
        #expect(help.contains("(default 100000)"))
    }

    @Test func ownCertificateProblemsAreStartupErrors() throws {
        let tailnet = try TestTailnet()
        defer { tailnet.remove() }
        var settings = TestRelay.settings(tailnet)
        // A node certificate instead of a relay certificate.
        let node = try tailnet.node("n")
        settings.certificateFile = try tailnet.write(node.certificate.pemEncoded, named: "node.pem")
        #expect(throws: RelayConfigurationError.certificateNotRelay(path: settings.certificateFile!, role: "node")) {
            try RelayServerConfiguration(settings: settings, coreCount: 1)
        }
        // A relay certificate for another key.
        let otherRelay = try tailnet.authority.issue(
            role: .relay, subjectKey: PrivateKey.generate().publicKey, subjectID: "r2", subjectName: "r2")
        settings.certificateFile = try tailnet.write(otherRelay.pemEncoded, named: "other.pem")
        do {
            _ = try RelayServerConfiguration(settings: settings, coreCount: 1)
            Issue.record("a certificate for another key was accepted")
        } catch {
            guard case .certificateKeyMismatch = error else { throw error }
        }
        // Signed by a CA the relay does not trust.
        settings.certificateFile = tailnet.certificateFile
        settings.caKeys = [CAPrivateKey.generate().publicKey.base64]
        do {
            _ = try RelayServerConfiguration(settings: settings, coreCount: 1)
            Issue.record("an untrusted certificate was accepted")
        } catch {
            guard case .certificateNotTrusted = error else { throw error }
            #expect(error.description.contains("unknown CA"))
        }
        settings.caKeys = nil
        #expect(throws: RelayConfigurationError.noTrustedCAs) {
            try RelayServerConfiguration(settings: settings, coreCount: 1)
        }
    }

    @Test func everySettingHasAFlagAnEnvironmentVariableAndAKey() {
        let fields = RelaySettingField.all
        #expect(Set(fields.map(\.key)).count == fields.count)
        #expect(Set(fields.map(\.flag)).count == fields.count)
        #expect(Set(fields.map(\.environmentVariable)).count == fields.count)
        for field in fields {
            #expect(field.environmentVariable.hasPrefix("RELAY_"))
            #expect(!field.help.isEmpty)
        }
    }

    @Test func advertisedEndpointsDefaultToSpecificListenAddresses() {
        let resolved = AdvertisedEndpoints.resolve(configured: [], listenAddresses: ["127.0.0.1", "::1"], port: 4000)
        #expect(resolved.map(\.description) == ["127.0.0.1:4000", "[::1]:4000"])
        let wildcard = AdvertisedEndpoints.resolve(configured: [], listenAddresses: ["0.0.0.0"], port: 4000)
        #expect(wildcard.allSatisfy { $0.isIPv4 && $0.port == 4000 && !$0.description.hasPrefix("127.") })
    }

    @Test func docsListEverySetting() throws {
        let root = "\(#filePath)".split(separator: "/Tests/").first.map(String.init) ?? "."
        let docs = try KeyFile.readText(at: root + "/docs/relay-server.md")
        for field in RelaySettingField.all {
            #expect(docs.contains("`--\(field.flag)`"), "docs/relay-server.md lacks --\(field.flag)")
            #expect(docs.contains("`\(field.environmentVariable)`"), "docs lack \(field.environmentVariable)")
            #expect(docs.contains("`\(field.key)`"), "docs lack the config key \(field.key)")
        }
    }

    @Test func docsQuoteTheDefaults() throws {
        let root = "\(#filePath)".split(separator: "/Tests/").first.map(String.init) ?? "."
        let docs = try KeyFile.readText(at: root + "/docs/relay-server.md")
        let defaults = try JSONValue(encoding: RelaySettings.defaults)
        var checked = 0
        for field in RelaySettingField.all {
            guard let value = defaults[field.key] else { continue }
            let row = try #require(
                docs.split(separator: "\n").first { $0.hasPrefix("| `--\(field.flag)`") },
                "docs/relay-server.md has no row for --\(field.flag)")
            let cells = row.split(separator: "|").map { $0.filter { $0 != "`" && $0 != " " } }
            let expected = value.arrayValue?.compactMap(\.stringValue).joined(separator: ",") ?? value.cell
            #expect(cells.count > 3 && cells[3] == expected, "docs default of --\(field.flag): \(row)")
            checked += 1
        }
        #expect(checked >= 20)
    }
}

extension JSONValue {
    /// A default as the docs table writes it.
    fileprivate var cell: String {
        switch self {
        case .double(let number) where number.rounded() == number: String(Int(number))
        case .double(let number): String(number)
        case .int(let number): String(number)
        case .bool(let flag): String(flag)
        case .string(let text): text
        default: "\(self)"
        }
    }
}
