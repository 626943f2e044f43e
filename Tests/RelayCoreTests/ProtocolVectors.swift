@testable import RelayCore

/// The fixed inputs of the PROTOCOL.md §7 test vectors and the bytes RelayCore produces from them.
enum ProtocolVectors {
    static func repeated(_ byte: UInt8, _ count: Int = 32) -> [UInt8] { [UInt8](repeating: byte, count: count) }

    static let clientA = try! PrivateKey(bytes: repeated(0x11))
    static let clientB = try! PrivateKey(bytes: repeated(0x22))
    static let relay = try! PrivateKey(bytes: repeated(0x33))
    static let ca = try! CAPrivateKey(seed: repeated(0x44))
    static let nonce: [UInt8] = Array(0..<24)
    static let cookieSecret = repeated(0x55)
    static let now = Timestamp(unixSeconds: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static var certificate: TailnetCertificate {
        try! CertificateAuthority(privateKey: ca, tailnetID: "example.ts").issue(
            role: .node, subjectKey: clientA.publicKey, subjectID: "n1", subjectName: "laptop", tags: ["tag:dev"],
            validFor: .seconds(86_400), now: now, serial: 1)
    }

    static var allocate: [UInt8] {
        ControlMessage.allocate(AllocateMessage(generation: 1, peerKey: clientB.publicKey, certificate: certificate))
            .sealedDatagram(
                header: GeneveHeader(isControl: true, protocolType: .control, vni: 0), sender: clientA.publicKey,
                key: clientA.sharedKey(with: relay.publicKey)!, nonce: nonce)
    }

    static let source = EndpointAddress("192.0.2.10:41641")!

    static var cookie: BindCookie {
        BindCookieJar.compute(
            secret: cookieSecret.withUnsafeBytes { Bytes32($0)! }, vni: 0x12_3456, generation: 7,
            remoteKey: clientB.publicKey, senderKey: clientA.publicKey, source: source)
    }

    static var bind: [UInt8] {
        ControlMessage.bind(BindMessage(vni: 0x12_3456, generation: 7, remoteKey: clientB.publicKey))
            .sealedDatagram(
                header: GeneveHeader(isControl: true, protocolType: .control, vni: 0x12_3456),
                sender: clientA.publicKey, key: clientA.sharedKey(with: relay.publicKey)!, nonce: nonce)
    }

    static var challenge: [UInt8] {
        ControlMessage.challenge(
            BindMessage(vni: 0x12_3456, generation: 7, remoteKey: clientB.publicKey, cookie: cookie)
        )
        .sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: 0x12_3456),
            sender: relay.publicKey, key: relay.sharedKey(with: clientA.publicKey)!, nonce: nonce)
    }

    /// Every vector: name (as in PROTOCOL.md `### V… name`) and the bytes RelayCore computes.
    static var all: [(name: String, bytes: [UInt8])] {
        [
            ("client A public key", clientA.publicKey.bytes),
            ("client B public key", clientB.publicKey.bytes),
            ("relay public key", relay.publicKey.bytes),
            ("CA public key", ca.publicKey.bytes),
            ("CA key id", ca.keyID.bytes),
            ("node certificate", certificate.encoded()),
            ("Allocate datagram", allocate),
            ("bind cookie", cookie.bytes),
            ("Bind datagram", bind),
            ("Challenge datagram", challenge),
        ]
    }
}
