import CurlHTTP
import RelayCore
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The node's identity in its state directory: control key, WireGuard key (both 0600) and the registration
/// (`node.json`, 0600: it holds the node token). A node registers once with a pre-auth key and reuses this after.
struct AgentIdentity: Sendable {
    var controlKey: PrivateKey
    var wireGuardKey: PrivateKey
    var registration: Registration

    /// What registration returned, as stored.
    struct Registration: Codable, Sendable {
        var coordinator: String
        var nodeID: String
        var name: String
        var address: String
        var nodeToken: String
        /// Base64 `PRC1` node certificate.
        var certificate: String
        var certificateExpiresAt: Int64
    }

    static func paths(_ directory: String) -> (control: String, wireGuard: String, node: String) {
        ("\(directory)/control.key", "\(directory)/wireguard.key", "\(directory)/node.json")
    }

    /// Loads the stored identity, or registers with `preAuthKey` and stores it.
    static func loadOrRegister(
        directory: String, coordinator: String, tls: TLSConfiguration, preAuthKey: String?, name: String,
        endpoints: [String]
    ) async throws -> AgentIdentity {
        let files = paths(directory)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let controlKey = try loadOrCreateKey(files.control)
        let wireGuardKey = try loadOrCreateKey(files.wireGuard)
        if FileManager.default.fileExists(atPath: files.node) {
            let text = try KeyFile.readText(at: files.node)
            let registration = try JSONDecoder().decode(Registration.self, from: Data(text.utf8))
            return AgentIdentity(controlKey: controlKey, wireGuardKey: wireGuardKey, registration: registration)
        }
        guard let preAuthKey, !preAuthKey.isEmpty else {
            throw AgentError.notRegistered(stateDirectory: directory)
        }
        let client = try CoordinatorClient(baseURL: coordinator, tls: tls)
        let response = try await client.register(
            RegisterRequest(
                preAuthKey: preAuthKey, publicKey: controlKey.publicKey.base64, name: name, endpoints: endpoints,
                wireGuardKey: wireGuardKey.publicKey.base64))
        guard let token = response.nodeToken else {
            throw AgentError.coordinator("registration returned no node token")
        }
        let registration = Registration(
            coordinator: coordinator, nodeID: response.node.id, name: response.node.name,
            address: response.node.address, nodeToken: token, certificate: response.certificate,
            certificateExpiresAt: response.certificateExpiresAt)
        var identity = AgentIdentity(controlKey: controlKey, wireGuardKey: wireGuardKey, registration: registration)
        try identity.save(directory: directory)
        identity.registration = registration
        return identity
    }

    func save(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = String(decoding: try encoder.encode(registration), as: UTF8.self)
        try KeyFile.writeText(text + "\n", to: Self.paths(directory).node)
    }

    private static func loadOrCreateKey(_ path: String) throws -> PrivateKey {
        if FileManager.default.fileExists(atPath: path) { return try KeyFile.readPrivateKey(at: path) }
        let key = PrivateKey.generate()
        try KeyFile.write(key, to: path)
        return key
    }

    /// The decoded node certificate bytes.
    var certificateBytes: [UInt8] { Sodium.decodeBase64(registration.certificate) ?? [] }
}
