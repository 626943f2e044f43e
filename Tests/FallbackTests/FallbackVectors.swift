import Fallback
import RelayCore

/// Fixed inputs of the docs/fallback-protocol.md §8 test vectors and the bytes the Fallback module produces.
enum FallbackVectors {
    static func repeated(_ byte: UInt8, _ count: Int = 32) -> [UInt8] { [UInt8](repeating: byte, count: count) }

    static let clientA = try! PrivateKey(bytes: repeated(0x11))
    static let clientB = try! PrivateKey(bytes: repeated(0x22))
    static let server = try! PrivateKey(bytes: repeated(0x66))
    static let ca = try! CAPrivateKey(seed: repeated(0x44))
    static let challenge: [UInt8] = Array(100..<132)
    static let nonce: [UInt8] = Array(0..<24)
    static let now = Timestamp(unixSeconds: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static var authority: CertificateAuthority { try! CertificateAuthority(privateKey: ca, tailnetID: "example.ts") }

    static var certificate: TailnetCertificate {
        try! authority.issue(
            role: .node, subjectKey: clientA.publicKey, subjectID: "n1", subjectName: "laptop", tags: ["tag:dev"],
            validFor: .seconds(86_400), now: now, serial: 1)
    }

    static var verifier: CertificateVerifier {
        CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: "example.ts")
    }

    static var serverHello: ServerHello { ServerHello(serverKey: server.publicKey, challenge: challenge) }

    static var clientHello: ClientHello {
        ClientHello.seal(
            ClientHello.Content(flags: 0, challenge: challenge, certificate: certificate.encoded()), key: clientA,
            serverKey: server.publicKey, nonce: nonce)!
    }

    static let packet: [UInt8] = Array("hello, fallback".utf8)

    static var all: [(String, [UInt8])] {
        [
            ("server-hello", Frame.serverHello(serverHello).encoded()),
            ("client-hello", Frame.clientHello(clientHello).encoded()),
            (
                "accepted",
                Frame.accepted(AcceptedParameters(keepaliveMillis: 60_000, rateBytesPerSecond: 0, rateBurstBytes: 0))
                    .encoded()
            ),
            ("send-packet", Frame.send(to: clientB.publicKey, payload: packet, control: false).encoded()),
            ("recv-packet", Frame.receive(from: clientA.publicKey, payload: packet, control: false).encoded()),
            ("peer-gone", Frame.peerGone(clientB.publicKey, .notHere).encoded()),
            (
                "close-revoked",
                Frame.close(CloseNotice(reason: .revoked, message: "certificate serial 1 is revoked")).encoded()
            ),
        ]
    }
}
