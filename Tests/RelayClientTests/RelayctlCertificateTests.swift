import Foundation
import PeerRelayTestSupport
import RelayCore
import Testing

/// `relayctl ca init`, `cert issue` and `cert show`, run as the built executable.
@Suite struct RelayctlCertificateTests {
    let relayctl: String

    init() throws {
        relayctl = try BuiltProducts.path("relayctl")
    }

    @Test func issueAndShowRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let initResult = try await ChildProcess.run(
            relayctl, ["ca", "init", "--tailnet", "roundtrip.example", "--out", "ca"], currentDirectory: dir.path)
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let keyMode =
            try FileManager.default.attributesOfItem(atPath: dir.path + "/ca/ca.key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        let issue = try await ChildProcess.run(
            relayctl,
            [
                "cert", "issue", "--ca", "ca", "--role", "node", "--name", "alice", "--id", "n-1", "--tag", "tag:a",
                "--tag", "tag:b", "--valid-for", "2h", "--out", "alice",
            ],
            currentDirectory: dir.path)
        #expect(issue.status == 0, "\(issue.stderr)")

        // The files are what RelayCore reads, with the fields asked for.
        let certificate = try KeyFile.readCertificate(at: dir.path + "/alice.crt")
        let key = try KeyFile.readPrivateKey(at: dir.path + "/alice.key")
        let caKey = try KeyFile.readCAPublicKey(at: dir.path + "/ca/ca.pub")
        #expect(certificate.subjectKey == key.publicKey)
        #expect(certificate.role == .node)
        #expect(certificate.subjectName == "alice")
        #expect(certificate.subjectID == "n-1")
        #expect(certificate.tags == ["tag:a", "tag:b"])
        #expect(certificate.tailnetID == "roundtrip.example")
        #expect(certificate.notAfter - certificate.notBefore == 7200)
        try CertificateVerifier(trustedCAs: [caKey], tailnetID: "roundtrip.example")
            .verify(certificate, role: .node, sealedBy: key.publicKey, now: .now())

        let show = try await ChildProcess.run(
            relayctl, ["cert", "show", "alice.crt", "--json", "--ca", "ca"], currentDirectory: dir.path)
        #expect(show.status == 0, "\(show.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        #expect(json?["subjectName"] as? String == "alice")
        #expect(json?["subjectKey"] as? String == key.publicKey.base64)
        #expect(json?["serial"] as? String == String(certificate.serial))
        #expect(json?["status"] as? String == "valid")
        #expect(json?["verification"] as? String == "ok")

        let text = try await ChildProcess.run(relayctl, ["cert", "show", "alice.crt"], currentDirectory: dir.path)
        #expect(text.status == 0)
        #expect(text.stdout.contains("role:         node"))
        #expect(text.stdout.contains("tailnet:      roundtrip.example"))

        // An existing key can be certified again (relay role here); the key file is not rewritten.
        let relay = try await ChildProcess.run(
            relayctl,
            ["cert", "issue", "--ca", "ca", "--role", "relay", "--name", "r1", "--key", "alice.key", "--out", "r1"],
            currentDirectory: dir.path)
        #expect(relay.status == 0, "\(relay.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/r1.key"))
        #expect(try KeyFile.readCertificate(at: dir.path + "/r1.crt").subjectKey == key.publicKey)
    }

    @Test func expiredAndForeignCertificatesAreReported() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try await ChildProcess.run(
            relayctl, ["ca", "init", "--tailnet", "one.example", "--out", "one"], currentDirectory: dir.path)
        _ = try await ChildProcess.run(
            relayctl, ["ca", "init", "--tailnet", "two.example", "--out", "two"], currentDirectory: dir.path)
        let old = try await ChildProcess.run(
            relayctl,
            [
                "cert", "issue", "--ca", "one", "--role", "node", "--name", "old", "--valid-for", "1h", "--backdate",
                "2h", "--out", "old",
            ],
            currentDirectory: dir.path)
        #expect(old.status == 0, "\(old.stderr)")
        let expired = try await ChildProcess.run(
            relayctl, ["cert", "show", "old.crt", "--ca", "one"], currentDirectory: dir.path)
        #expect(expired.status == 1)
        #expect(expired.stdout.contains("[expired]"))
        #expect(expired.stdout.contains("certificate expired"))

        _ = try await ChildProcess.run(
            relayctl, ["cert", "issue", "--ca", "two", "--role", "node", "--name", "x", "--out", "x"],
            currentDirectory: dir.path)
        let foreign = try await ChildProcess.run(
            relayctl, ["cert", "show", "x.crt", "--ca", "one"], currentDirectory: dir.path)
        #expect(foreign.status == 1)
        #expect(foreign.stdout.contains("unknown CA"))
    }

    @Test(arguments: [
        (
            ["cert", "issue", "--ca", "ca", "--role", "admin", "--name", "a", "--out", "a"],
            "'admin' is invalid for '--role"
        ),
        (
            ["cert", "issue", "--ca", "ca", "--role", "node", "--name", "a", "--out", "a", "--valid-for", "soon"],
            "'soon' is invalid"
        ),
        (["cert", "issue", "--ca", "ca", "--role", "node", "--out", "a"], "Missing expected argument '--name"),
        (["ca", "init", "--tailnet", "x.example", "--out", "ca", "--bogus"], "Unknown option '--bogus'"),
        (["probe", "--relay", "127.0.0.1:1", "--relay-key", "k", "--identity", "a"], "exactly two --identity"),
        (["probe", "--relay", "127.0.0.1:1", "--identity", "a", "--identity", "b"], "exactly one of --relay-cert"),
        (["sessions", "--admin", "127.0.0.1:9090"], "must be an http:// or https:// URL"),
    ])
    func badFlagsExitWithUsageError(arguments: [String], message: String) async throws {
        let result = try await ChildProcess.run(relayctl, arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }

    @Test func badFilesAreNamed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missingCA = try await ChildProcess.run(
            relayctl, ["cert", "issue", "--ca", "nope", "--role", "node", "--name", "a", "--out", "a"],
            currentDirectory: dir.path)
        #expect(missingCA.status == 1)
        #expect(missingCA.stderr.contains("CA directory nope does not exist"))

        try "not a certificate\n".write(toFile: dir.path + "/junk.crt", atomically: true, encoding: .utf8)
        let junk = try await ChildProcess.run(relayctl, ["cert", "show", "junk.crt"], currentDirectory: dir.path)
        #expect(junk.status == 1)
        #expect(junk.stderr.contains("junk.crt"))

        let badTailnet = try await ChildProcess.run(
            relayctl, ["ca", "init", "--tailnet", "Bad_Name", "--out", "ca"], currentDirectory: dir.path)
        #expect(badTailnet.status == 2)
        #expect(badTailnet.stderr.contains("may contain only a-z"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/ca"))

        _ = try await ChildProcess.run(
            relayctl, ["ca", "init", "--tailnet", "x.example", "--out", "ca"], currentDirectory: dir.path)
        let again = try await ChildProcess.run(
            relayctl, ["ca", "init", "--tailnet", "x.example", "--out", "ca"], currentDirectory: dir.path)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
    }
}
