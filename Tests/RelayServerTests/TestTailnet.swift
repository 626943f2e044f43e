import FoundationEssentials
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// A tailnet for tests: a CA, a relay identity written to files in a temporary directory, and node identities.
struct TestTailnet {
    struct Node {
        let key: PrivateKey
        let certificate: TailnetCertificate
        var publicKey: PublicKey { key.publicKey }
    }

    let id: String
    let authority: CertificateAuthority
    let relayKey: PrivateKey
    let relayCertificate: TailnetCertificate
    let directory: String

    var caPublicKey: CAPublicKey { authority.publicKey }
    var keyFile: String { directory + "/relay.key" }
    var certificateFile: String { directory + "/relay.pem" }

    init(id: String = "test.example") throws {
        self.id = id
        authority = try CertificateAuthority(privateKey: CAPrivateKey.generate(), tailnetID: id)
        relayKey = PrivateKey.generate()
        relayCertificate = try authority.issue(
            role: .relay, subjectKey: relayKey.publicKey, subjectID: "relay-1", subjectName: "relay-one")
        var template = Array("/tmp/relay-server-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed: errno \(errno)") }
        directory = String(cString: made)
        try KeyFile.write(relayKey, to: keyFile)
        try KeyFile.write(relayCertificate, to: certificateFile)
    }

    /// A node of this tailnet with a fresh key.
    func node(
        _ name: String, role: CertificateRole = .node, validFor: Duration = .seconds(3600), now: Timestamp = .now()
    ) throws -> Node {
        let key = PrivateKey.generate()
        let certificate = try authority.issue(
            role: role, subjectKey: key.publicKey, subjectID: "id-\(name)", subjectName: name, validFor: validFor,
            now: now)
        return Node(key: key, certificate: certificate)
    }

    /// Writes `text` to a file in the test directory and returns its path.
    func write(_ text: String, named name: String) throws -> String {
        let path = directory + "/" + name
        try KeyFile.writeText(text, to: path)
        return path
    }

    /// Removes the temporary directory.
    func remove() {
        if let entries = try? FileManagerLite.list(directory) {
            for entry in entries { unlink(directory + "/" + entry) }
        }
        rmdir(directory)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Directory listing without Foundation's FileManager.
enum FileManagerLite {
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw TestFailure("opendir \(path)") }
        defer { closedir(dir) }
        var names: [String] = []
        for _ in 0..<10_000 {
            guard let entry = readdir(dir) else { break }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
