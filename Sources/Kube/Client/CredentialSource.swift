import Foundation

/// Bearer tokens and exec-plugin client certificates, cached and refreshed: token files are re-read
/// every minute (kubelet rotates projected tokens), exec credentials are kept until they expire, and
/// both are refreshed after a 401.
actor CredentialSource {
    struct Credential: Sendable, Equatable {
        var token: String?
        var clientCertificate: [UInt8]?
        var clientKey: [UInt8]?
    }

    private let auth: KubeAuth
    private let server: String
    private var cached: Credential?
    private var expiry: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    static let tokenFileRefresh = Duration.seconds(60)

    init(auth: KubeAuth, server: String) {
        self.auth = auth
        self.server = server
    }

    func current(forceRefresh: Bool = false) async throws(KubeError) -> Credential {
        if !forceRefresh, let cached, expiry.map({ clock.now < $0 }) ?? true { return cached }
        let fresh: Credential
        switch auth {
        case .none: fresh = Credential()
        case .token(let token): fresh = Credential(token: token)
        case .tokenFile(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .credentials("cannot read the token file \(path); check that it exists and is readable")
            }
            let token = text.trimmedWhitespace
            guard !token.isEmpty else { throw .credentials("the token file \(path) is empty") }
            fresh = Credential(token: token)
            expiry = clock.now + Self.tokenFileRefresh
        case .exec(let config):
            let (credential, expires) = try await ExecCredentialRunner.run(config, server: server)
            fresh = credential
            expiry = expires.map { date in clock.now + .seconds(max(0, date.timeIntervalSinceNow - 10)) }
        }
        cached = fresh
        return fresh
    }
}

/// Runs a client.authentication.k8s.io exec plugin and reads its ExecCredential.
enum ExecCredentialRunner {
    struct ExecCredential: Decodable {
        struct Status: Decodable {
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
            var expirationTimestamp: RFC3339Time?
        }
        var apiVersion: String?
        var kind: String?
        var status: Status?
    }

    static func run(_ config: ExecCredentialConfig, server: String) async throws(KubeError)
        -> (CredentialSource.Credential, Date?)
    {
        let process = Process()
        var command = config.command
        if command.contains("/"), !command.hasPrefix("/"), let directory = config.workingDirectory {
            command = directory + "/" + command
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + config.arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in config.environment { environment[name] = value }
        var spec: [String: JSONValue] = ["interactive": false]
        if config.provideClusterInfo { spec["cluster"] = ["server": .string(server)] }
        environment["KUBERNETES_EXEC_INFO"] =
            JSONValue.object([
                "apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": .object(spec),
            ])
            .jsonString()
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let hint = config.installHint.map { "; \($0)" } ?? ""
        do {
            try process.run()
        } catch {
            throw .credentials("cannot run the exec plugin \(config.command): \(error)\(hint)")
        }
        // Read on a blocking thread so a chatty plugin cannot fill the pipe and stall.
        let stdout = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            Thread.detachNewThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        let stderr = String(decoding: errors.fileHandleForReading.availableData.prefix(500), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw .credentials("exec plugin \(config.command) was not found\(hint)")
            }
            throw .credentials(
                "exec plugin \(config.command) exited with status \(process.terminationStatus): "
                    + "\(stderr.trimmedWhitespace)\(hint)"
            )
        }
        let credential: ExecCredential
        do {
            credential = try JSONDecoder().decode(ExecCredential.self, from: stdout)
        } catch {
            throw .credentials("exec plugin \(config.command) printed no valid ExecCredential JSON: \(error)")
        }
        guard credential.kind == "ExecCredential", let status = credential.status else {
            throw .credentials("exec plugin \(config.command) printed an object without kind ExecCredential and status")
        }
        var result = CredentialSource.Credential(token: status.token)
        if let cert = status.clientCertificateData, let key = status.clientKeyData {
            result.clientCertificate = Array(cert.utf8)
            result.clientKey = Array(key.utf8)
        }
        guard result.token != nil || result.clientCertificate != nil else {
            throw .credentials(
                "exec plugin \(config.command) returned neither a token nor a client certificate and key")
        }
        return (result, status.expirationTimestamp?.date)
    }
}
