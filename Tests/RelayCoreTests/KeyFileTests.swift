import Foundation
import Testing

@testable import RelayCore

@Suite struct KeyFileTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "relaycore-keyfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func writesWith0600AndReadsBack() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = PrivateKey.generate()
        try KeyFile.write(key, to: dir + "/node.key")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/node.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try KeyFile.readPrivateKey(at: dir + "/node.key").publicKey == key.publicKey)
        let ca = CAPrivateKey.generate()
        try KeyFile.write(ca, to: dir + "/ca.key")
        try KeyFile.write(ca.publicKey, to: dir + "/ca.pub")
        #expect(try KeyFile.readCAPrivateKey(at: dir + "/ca.key").publicKey == ca.publicKey)
        #expect(try KeyFile.readCAPublicKey(at: dir + "/ca.pub") == ca.publicKey)
        let cert = try CertificateAuthority(privateKey: ca, tailnetID: "t").issue(
            role: .node, subjectKey: key.publicKey, subjectID: "i", subjectName: "n")
        try KeyFile.write(cert, to: dir + "/node.crt")
        #expect(try KeyFile.readCertificate(at: dir + "/node.crt") == cert)
    }

    @Test func clearErrorsForMissingAndMalformedFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: KeyFileError.missing(path: dir + "/nope")) { try KeyFile.readPrivateKey(at: dir + "/nope") }
        try "hello\n".write(toFile: dir + "/bad", atomically: true, encoding: .utf8)
        do {
            _ = try KeyFile.readPublicKey(at: dir + "/bad")
            Issue.record("malformed key file accepted")
        } catch {
            #expect(error.description.contains(dir + "/bad"))
            #expect(error.description.contains("base64"))
        }
        #expect(throws: KeyFileError.self) { try KeyFile.readCertificate(at: dir + "/bad") }
        #expect(throws: KeyFileError.unwritable(path: dir + "/no/dir/key", errno: ENOENT)) {
            try KeyFile.write(PrivateKey.generate(), to: dir + "/no/dir/key")
        }
    }
}
