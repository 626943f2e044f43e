import Foundation

/// A loopback Python HTTP(S) server (Fixtures/test_server.py) for the duration of one test.
final class TestServer: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/test_server.py").path

    let process = Process()
    let port: Int
    let scheme: String

    init(tlsDirectory: String? = nil, requireClientCert: Bool = false) throws {
        var arguments = [Self.script, "serve"]
        if let tlsDirectory { arguments += ["--tls", tlsDirectory] }
        if requireClientCert { arguments.append("--require-client-cert") }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw TestServerError.didNotStart
        }
        self.port = port
        scheme = tlsDirectory == nil ? "http" : "https"
    }

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// Creates a CA, a server certificate for 127.0.0.1 and a client certificate in a temporary directory.
    static func makeCertificates() throws -> String {
        let directory = NSTemporaryDirectory() + "curlhttp-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "certs", directory]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestServerError.certificatesFailed }
        return directory
    }
}

enum TestServerError: Error {
    case didNotStart
    case certificatesFailed
}

func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
