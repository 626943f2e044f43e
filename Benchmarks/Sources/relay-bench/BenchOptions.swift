import ArgumentParser
import RelayClient
import RelayCore

/// Options every relay-bench command shares: where the relay is and the CA to mint throwaway node identities.
struct BenchOptions: ParsableArguments {
    @Option(help: "Relay UDP endpoint, e.g. 127.0.0.1:41641.")
    var relay: String

    @Option(help: "The relay's public key file (base64 X25519).")
    var relayKey: String

    @Option(help: "Tailnet CA private key file (to issue throwaway node certificates).")
    var caKey: String

    @Option(help: "Tailnet id of that CA.")
    var tailnet: String

    @Option(help: "Local address for client sockets.")
    var host = "127.0.0.1"

    func endpoint() throws -> RelayEndpoint {
        try RelayEndpoint(endpoint: relay, publicKey: try KeyFile.readPublicKey(at: relayKey))
    }

    func authority() throws -> CertificateAuthority {
        try CertificateAuthority(privateKey: try KeyFile.readCAPrivateKey(at: caKey), tailnetID: tailnet)
    }

    /// A fresh node identity certified by the CA, with `name` as its id and name.
    func makeIdentity(_ authority: CertificateAuthority, name: String) throws -> RelayIdentity {
        try makeIdentity(authority, id: name, name: name)
    }

    /// A fresh node identity certified by the CA.
    func makeIdentity(_ authority: CertificateAuthority, id: String, name: String) throws -> RelayIdentity {
        let key = PrivateKey.generate()
        let certificate = try authority.issue(
            role: .node, subjectKey: key.publicKey, subjectID: id, subjectName: name, validFor: .seconds(86_400))
        return try RelayIdentity(privateKey: key, certificate: certificate)
    }
}
